//! The generated benchmark program, shared by the parser's and the formatter's benchmarks
//! (`aqua-fmt` includes this file by path).

/// One function of 22 lines that uses most statement and expression forms.
fn function(idx: usize) -> String {
    format!(
        r#"func work{idx}(peer: string, xs: []u32, cb: string -> ()) -> u32, string:
  -- a comment line
  res: *u32
  on peer via HOST_PEER_ID:
    a <- Srv.call("x{idx}", xs[0] + 1)
    b = a * 2 + (xs.length - 1) / 3
  for x <- xs par:
    res <<- x + b
  if a == b && !(b > 3):
    cb("yes")
  else:
    try:
      Srv.call("y", 2)
    catch e:
      cb(e.message)
  c = (s: string) -> string:
    r <- Srv.call(s, 1)
    <- r
  d <- c("z")
  join res[xs.length - 1]
  <- res!, d

"#
    )
}

/// A program of at least `lines` lines: a service and as many functions as it takes.
pub fn program(lines: usize) -> String {
    let mut src = String::from(
        "aqua Bench declares *\n\nservice Srv(\"srv\"):\n  call(s: string, n: u32) -> u32\n\n",
    );
    let mut idx = 0;
    while src.lines().count() < lines {
        for _ in 0..100 {
            src.push_str(&function(idx));
            idx += 1;
        }
    }
    src
}
