//! The scheduler: delivers particles between peers in simulated time, runs each peer's step,
//! makes the service calls it asks for and feeds the results back, until nothing is in flight.
//!
//! A reply may arrive later (`peer.timeout`, a slow service): the peer goes on with the other
//! results at once, and when the reply is due the scheduler invokes the same peer again, with
//! no new data and the pending result, as a Fluence host does. Such a wake-up is a hop from the
//! peer to itself, and the delayed call is listed in it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use air_vm::step::{CallRequest, Limits, RunParameters};
use air_vm::value::JValue;
use air_vm::verify::VerifiedSignatures;

use crate::client::Client;
use crate::invoke::{Interpreter, Script, Vm};
use crate::network::{Network, Peer};
use crate::peer::{CallRecord, PeerRun, StepError, handle_particle};
use crate::rng::Rng;
use crate::services::{PeerEnv, Service, ServiceCall, TimedReply};

/// Delivery faults, applied with the run's seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Delay of each delivery, in ms, uniformly within `low..=high`; different delays reorder
    /// particles.
    pub latency_ms: (u64, u64),
    /// Probability that a particle is lost.
    pub loss: f64,
    /// Probability that a particle is delivered twice.
    pub duplication: f64,
    /// A peer whose outgoing data is corrupted in flight (one byte flipped), to show that the
    /// next hop detects tampering.
    pub tamper_by: Option<String>,
    /// The latency of deliveries to a peer, by peer name, instead of `latency_ms`.
    pub peer_latency: BTreeMap<String, (u64, u64)>,
    /// The latency of deliveries between two peers (either way), before any other.
    pub link_latency: Vec<(String, String, (u64, u64))>,
}

impl Faults {
    /// The latency range of a delivery from `from` to `to`: the link's, else the receiver's,
    /// else the network's.
    fn latency(&self, from: &str, to: &str) -> (u64, u64) {
        let link = self
            .link_latency
            .iter()
            .find(|(a, b, _)| (a == from && b == to) || (a == to && b == from));
        link.map(|(_, _, latency)| *latency)
            .or_else(|| self.peer_latency.get(to).copied())
            .unwrap_or(self.latency_ms)
    }
}

impl Default for Faults {
    /// A perfect network with 1 ms per hop.
    fn default() -> Faults {
        Faults {
            latency_ms: (1, 1),
            loss: 0.0,
            duplication: 0.0,
            tamper_by: None,
            peer_latency: BTreeMap::new(),
            link_latency: Vec::new(),
        }
    }
}

/// The default of [`RunOptions::max_instructions`]: far above what the longest benchmark run
/// executes, far below what would keep a run busy for minutes.
pub const DEFAULT_RUN_INSTRUCTIONS: u64 = 2_000_000_000;

/// How a run is carried out.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The seed of every random choice.
    pub seed: u64,
    /// Delivery faults.
    pub faults: Faults,
    /// The particle id.
    pub particle_id: String,
    /// The particle's creation time in ms; the simulated clock starts here.
    pub timestamp: u64,
    /// The particle's time to live in ms.
    pub ttl: u32,
    /// The most steps a run may take (a guard against scripts that never end).
    pub max_steps: usize,
    /// The most instructions all the steps of a run may execute together (replayed ones
    /// included): the run's budget of work.
    pub max_instructions: u64,
    /// Size limits of each step.
    pub limits: Limits,
    /// Whether the peers share one set of signatures found valid (see [`VerifiedSignatures`]):
    /// the same outcome, but a signature is checked once per run instead of on every hop.
    pub share_verified_signatures: bool,
    /// The order in which a peer sends the particle to several peers at once.
    pub send_order: SendOrder,
    /// Whether a peer answers calls its services answer at once within the invocation that
    /// makes them, where that gives exactly the data, calls and hops of the round trip through
    /// the host (see [`crate::Interpreter::invoke_answering`]): fewer invocations, each
    /// replaying the trace.
    pub answer_inline: bool,
    /// The one peer the init peer is connected to, when the init peer is a client behind a
    /// relay (as a js-client is): particles between the init peer and any other peer are then
    /// not delivered (listed in [`Hop::cut_off`]), as on a real network. `None`: every peer
    /// reaches every other.
    pub client_relay: Option<String>,
}

/// The order in which a peer sends the particle to the peers a step named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SendOrder {
    /// By peer id.
    #[default]
    PeerId,
    /// By peer name, as the reference oracle delivers.
    PeerName,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            seed: 0,
            faults: Faults::default(),
            particle_id: "particle-1".into(),
            timestamp: 1_700_000_000_000,
            ttl: 60_000,
            max_steps: 100_000,
            max_instructions: DEFAULT_RUN_INSTRUCTIONS,
            limits: Limits::default(),
            share_verified_signatures: true,
            send_order: SendOrder::PeerId,
            answer_inline: true,
            client_relay: None,
        }
    }
}

/// One delivery of the particle to a peer and what happened there.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    /// The sending peer's name (`None` for the start at the init peer).
    pub from: Option<String>,
    /// The receiving peer's name.
    pub to: String,
    /// Simulated time of the delivery, in ms since the particle's creation.
    pub at: u64,
    /// The calls made on the receiving peer.
    pub calls: Vec<CallRecord>,
    /// The peers the particle went to next, by name.
    pub next: Vec<String>,
    /// For each peer of `next`, the span in the script of the first instruction that sent the
    /// particle there (a call on that peer, or a hop).
    pub sent_by: BTreeMap<String, air_syntax::Span>,
    /// The invocations that failed, in order.
    pub errors: Vec<StepError>,
    /// Peer ids the particle was sent to that are not in the network.
    pub unreachable: Vec<String>,
    /// Peers (by name) the particle was sent to but could not reach: the client and any peer but
    /// its relay (see [`RunOptions::client_relay`]).
    pub cut_off: Vec<String>,
    /// The size of the data the receiving peer kept, in bytes.
    pub data_bytes: usize,
    /// Why the particle was not processed (`"lost"`, `"peer down"`, `"ttl expired"`), if so.
    pub dropped: Option<&'static str>,
}

impl Hop {
    /// A delivery that nothing has happened at yet.
    fn arrival(delivery: &Delivery) -> Hop {
        Hop {
            from: delivery.from.clone(),
            to: delivery.to.clone(),
            at: delivery.at,
            calls: Vec::new(),
            next: Vec::new(),
            sent_by: BTreeMap::new(),
            errors: Vec::new(),
            unreachable: Vec::new(),
            cut_off: Vec::new(),
            data_bytes: 0,
            dropped: None,
        }
    }

    /// The last failed invocation of this hop, if any.
    pub fn error(&self) -> Option<&StepError> {
        self.errors.last()
    }
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// No particle is in flight any more.
    Done,
    /// The particle outlived its TTL.
    TtlExpired,
    /// The step limit was reached.
    StepLimit,
    /// The run's instruction budget ([`RunOptions::max_instructions`]) was spent.
    InstructionBudget,
}

/// Everything a run did.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Every delivery, in the order they happened.
    pub hops: Vec<Hop>,
    /// Why the run ended.
    pub stop: Stop,
    /// The client, with what reached it.
    pub client: Client,
    /// Interpreter steps run.
    pub steps: usize,
    /// Instructions the steps executed, replayed ones included.
    pub instructions: u64,
    /// The data each peer holds at the end.
    pub final_data: BTreeMap<String, Vec<u8>>,
    /// Simulated duration in ms.
    pub elapsed_ms: u64,
}

impl RunReport {
    /// The size of the data each peer holds at the end, in bytes.
    pub fn data_bytes(&self) -> BTreeMap<String, usize> {
        self.final_data.iter().map(|(peer, data)| (peer.clone(), data.len())).collect()
    }
}

/// A particle in flight.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Delivery {
    at: u64,
    seq: u64,
    from: Option<String>,
    to: String,
    data: Vec<u8>,
}

impl Network {
    /// Runs `script` started by the peer named `init_peer`, whose client services `client`
    /// answers, until no particle is in flight, the TTL expires or the step limit is reached.
    pub fn run(
        &mut self,
        script: &Script,
        init_peer: &str,
        client: Client,
        options: &RunOptions,
    ) -> RunReport {
        self.run_watched(script, init_peer, client, options, &mut |_| {})
    }

    /// [`Network::run`], calling `watch` with the report so far after every delivery (for
    /// progress displays).
    pub fn run_watched(
        &mut self,
        script: &Script,
        init_peer: &str,
        client: Client,
        options: &RunOptions,
        watch: &mut dyn FnMut(&RunReport),
    ) -> RunReport {
        self.run_with(script, init_peer, Some(client), options, &mut Vm::default(), watch)
    }

    /// The general run: `client` (if any) answers the client services on the init peer before
    /// its other services, `interpreter` runs every invocation, `watch` sees the report after
    /// every delivery.
    pub fn run_with(
        &mut self,
        script: &Script,
        init_peer: &str,
        client: Option<Client>,
        options: &RunOptions,
        interpreter: &mut dyn Interpreter,
        watch: &mut dyn FnMut(&RunReport),
    ) -> RunReport {
        let has_client = client.is_some();
        let mut run = Run {
            options,
            cut_short: false,
            script,
            interpreter,
            has_client,
            rng: Rng::new(options.seed),
            queue: BinaryHeap::new(),
            seq: 0,
            prev: HashMap::new(),
            network: self.peers().map(|peer| peer.id.clone()).collect(),
            timers: HashMap::new(),
            verified: VerifiedSignatures::new(),
            report: RunReport {
                hops: Vec::new(),
                stop: Stop::Done,
                client: client.unwrap_or_default(),
                steps: 0,
                instructions: 0,
                final_data: BTreeMap::new(),
                elapsed_ms: 0,
            },
        };
        let init_id = self.id_of(init_peer).unwrap_or_default().to_string();
        let names: HashMap<String, String> =
            self.peers().map(|p| (p.id.clone(), p.name.clone())).collect();
        run.send(None, init_peer.to_string(), Vec::new(), 0);
        while let Some(Reverse(delivery)) = run.queue.pop() {
            if run.report.steps >= options.max_steps {
                run.report.stop = Stop::StepLimit;
                break;
            }
            if run.report.instructions >= options.max_instructions {
                run.report.stop = Stop::InstructionBudget;
                break;
            }
            run.report.elapsed_ms = delivery.at;
            if delivery.at > u64::from(options.ttl) {
                run.dropped(delivery, "ttl expired");
                run.report.stop = Stop::TtlExpired;
                continue;
            }
            let Some(peer) = self.peer_mut(&delivery.to) else { continue };
            if peer.down_at.is_some_and(|down_at| delivery.at >= down_at) {
                run.dropped(delivery, "peer down");
                continue;
            }
            let next = run.deliver(peer, &init_id, &names, delivery);
            for (from, to, data) in next {
                run.route(from, to, data);
            }
            watch(&run.report);
            if run.cut_short {
                run.report.stop = if run.report.instructions >= options.max_instructions {
                    Stop::InstructionBudget
                } else {
                    Stop::StepLimit
                };
                break;
            }
        }
        run.report.final_data.extend(std::mem::take(&mut run.prev));
        run.report
    }
}

struct Run<'o> {
    options: &'o RunOptions,
    /// Whether a peer stopped with calls still to make because a budget ran out.
    cut_short: bool,
    script: &'o Script,
    interpreter: &'o mut dyn Interpreter,
    /// Whether the init peer answers the client services.
    has_client: bool,
    rng: Rng,
    queue: BinaryHeap<Reverse<Delivery>>,
    seq: u64,
    prev: HashMap<String, Vec<u8>>,
    /// Every peer id, for the built-ins.
    network: Vec<String>,
    /// Replies due at a wake-up, by the wake-up's delivery number.
    timers: HashMap<u64, CallRecord>,
    /// Signatures found valid on earlier hops (see [`VerifiedSignatures`]).
    verified: VerifiedSignatures,
    report: RunReport,
}

impl Run<'_> {
    fn send(&mut self, from: Option<String>, to: String, data: Vec<u8>, at: u64) {
        self.seq += 1;
        self.queue.push(Reverse(Delivery { at, seq: self.seq, from, to, data }));
    }

    /// Sends on, applying loss, latency, duplication and tampering.
    fn route(&mut self, from: String, to: String, mut data: Vec<u8>) {
        let faults = &self.options.faults;
        let now = self.report.elapsed_ms;
        if self.rng.chance(faults.loss) {
            let lost = Delivery { at: now, seq: 0, from: Some(from), to, data: Vec::new() };
            self.dropped(lost, "lost");
            return;
        }
        if faults.tamper_by.as_deref() == Some(from.as_str()) && !data.is_empty() {
            let middle = data.len() / 2;
            data[middle] ^= 0x01;
        }
        let (low, high) = faults.latency(&from, &to);
        let at = now + self.rng.between(low, high);
        if self.rng.chance(faults.duplication) {
            let again = at + self.rng.between(low, high);
            self.send(Some(from.clone()), to.clone(), data.clone(), again);
        }
        self.send(Some(from), to, data, at);
    }

    fn dropped(&mut self, delivery: Delivery, why: &'static str) {
        let hop = Hop { dropped: Some(why), ..Hop::arrival(&delivery) };
        self.report.hops.push(hop);
    }

    /// Lets the peer handle the particle; returns the particles to send.
    fn deliver(
        &mut self,
        peer: &mut Peer,
        init_id: &str,
        names: &HashMap<String, String>,
        delivery: Delivery,
    ) -> Vec<(String, String, Vec<u8>)> {
        let params = RunParameters {
            init_peer_id: init_id.to_string(),
            current_peer_id: peer.id.clone(),
            particle_id: self.options.particle_id.clone(),
            timestamp: self.options.timestamp,
            ttl: self.options.ttl,
            key: peer.key.clone(),
            limits: self.options.limits,
        };
        let mut hop = Hop::arrival(&delivery);
        let prev_data = self.prev.remove(&peer.name).unwrap_or_default();
        let mut results = BTreeMap::new();
        if let Some(due) = self.timers.remove(&delivery.seq) {
            results.insert(due.call_id, due.call_result());
            hop.calls.push(due);
        }
        let verified = self.options.share_verified_signatures.then_some(&self.verified);
        let now = self.options.timestamp + self.report.elapsed_ms;
        let peer_run = PeerRun {
            peer: &peer.name,
            script: self.script,
            params: &params,
            interpreter: &mut *self.interpreter,
            verified,
            max_steps: self.options.max_steps.saturating_sub(self.report.steps),
            max_instructions: self
                .options
                .max_instructions
                .saturating_sub(self.report.instructions),
            answer_inline: self.options.answer_inline,
        };
        let mut services = PeerServices {
            peer: &mut peer.services,
            client: self.has_client.then_some(&mut self.report.client),
            call: CallContext {
                peer_id: &peer.id,
                init_peer_id: init_id,
                particle_id: &self.options.particle_id,
                now,
            },
            env: PeerEnv { key: &peer.key, network: &self.network },
        };
        let handled =
            handle_particle(peer_run, prev_data, delivery.data, results, &mut |request, args| {
                services.answer(request, args)
            });
        self.report.steps += handled.steps;
        self.report.instructions += handled.instructions;
        self.cut_short |= handled.cut_short;
        hop.calls.extend(handled.calls);
        hop.errors = handled.errors;
        for later in handled.later {
            self.wake_later(&peer.name, later.after_ms, later.call);
        }
        let mut targets = Vec::new();
        for id in handled.next_peers.into_iter().filter(|id| *id != peer.id) {
            let cut_off = |name: &String| {
                self.options.client_relay.as_ref().is_some_and(|relay| {
                    (peer.id == init_id && name != relay) || (id == init_id && peer.name != *relay)
                })
            };
            match names.get(&id) {
                Some(name) if cut_off(name) => hop.cut_off.push(name.clone()),
                Some(name) => {
                    if let Some(span) = handled.sent_by.get(&id) {
                        hop.sent_by.insert(name.clone(), *span);
                    }
                    targets.push(name.clone());
                }
                None => hop.unreachable.push(id),
            }
        }
        if self.options.send_order == SendOrder::PeerName {
            targets.sort();
        }
        let data = handled.data;
        hop.data_bytes = data.len();
        hop.next = targets.clone();
        self.report.hops.push(hop);
        let outgoing =
            targets.into_iter().map(|name| (peer.name.clone(), name, data.clone())).collect();
        self.prev.insert(peer.name.clone(), data);
        outgoing
    }

    /// Invokes the peer again `after_ms` from now, with the pending reply and no new data.
    fn wake_later(&mut self, peer: &str, after_ms: u64, due: CallRecord) {
        let at = self.report.elapsed_ms.saturating_add(after_ms);
        self.send(Some(peer.to_string()), peer.to_string(), Vec::new(), at);
        self.timers.insert(self.seq, due);
    }
}

/// What a call on a peer knows besides the request.
struct CallContext<'a> {
    peer_id: &'a str,
    init_peer_id: &'a str,
    particle_id: &'a str,
    now: u64,
}

/// The services that answer calls on one peer during one delivery.
struct PeerServices<'a> {
    peer: &'a mut crate::services::ServiceRegistry,
    /// The client services, on the init peer of a run with a client.
    client: Option<&'a mut Client>,
    call: CallContext<'a>,
    env: PeerEnv<'a>,
}

impl PeerServices<'_> {
    /// The client answers first on the init peer, then the peer's services and the built-ins.
    fn answer(&mut self, request: &CallRequest, args: &[JValue]) -> TimedReply {
        let call = ServiceCall {
            service: &request.service_id,
            function: &request.function_name,
            args,
            peer_id: self.call.peer_id,
            init_peer_id: self.call.init_peer_id,
            particle_id: self.call.particle_id,
            now: self.call.now,
            tetraplets: &request.tetraplets,
        };
        if self.call.peer_id == self.call.init_peer_id
            && let Some(client) = self.client.as_deref_mut()
            && let Some(reply) = client.call(&call)
        {
            return TimedReply { reply, after_ms: 0, unknown_service: false };
        }
        self.peer.call(&call, &self.env)
    }
}
