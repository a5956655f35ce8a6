//! The scheduler: delivers particles between peers in simulated time, runs each peer's step,
//! makes the service calls it asks for and feeds the results back, until nothing is in flight.
//!
//! A reply may arrive later (`peer.timeout`, a slow service): the peer goes on with the other
//! results at once, and when the reply is due the scheduler invokes the same peer again, with
//! no new data and the pending result, as a Fluence host does. Such a wake-up is a hop from the
//! peer to itself, and the delayed call is listed in it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use air_syntax::Program;

use super::client::Client;
use super::rng::Rng;
use super::services::{PeerEnv, Service, ServiceCall, TimedReply};
use super::{Network, Peer};
use crate::step::{CallRequest, CallResult, Limits, RunParameters, step_program_with};
use crate::value::JValue;
use crate::verify::VerifiedSignatures;

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
}

impl Default for Faults {
    /// A perfect network with 1 ms per hop.
    fn default() -> Faults {
        Faults { latency_ms: (1, 1), loss: 0.0, duplication: 0.0, tamper_by: None }
    }
}

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
    /// Size limits of each step.
    pub limits: Limits,
    /// Whether the peers share one set of signatures found valid (see [`VerifiedSignatures`]):
    /// the same outcome, but a signature is checked once per run instead of on every hop.
    pub share_verified_signatures: bool,
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
            limits: Limits::default(),
            share_verified_signatures: true,
        }
    }
}

/// A service call made during a hop.
#[derive(Debug, Clone, PartialEq)]
pub struct HopCall {
    /// The service id.
    pub service: String,
    /// The function.
    pub function: String,
    /// The arguments.
    pub args: Vec<JValue>,
    /// The answer's code.
    pub ret_code: i32,
    /// The answer.
    pub result: JValue,
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
    pub calls: Vec<HopCall>,
    /// The peers the particle went to next, by name.
    pub next: Vec<String>,
    /// The interpreter's error, if a step failed: code and message.
    pub error: Option<(i64, String)>,
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
            error: None,
            dropped: None,
        }
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
    /// The data each peer holds at the end, in bytes.
    pub data_bytes: BTreeMap<String, usize>,
    /// Simulated duration in ms.
    pub elapsed_ms: u64,
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
    /// Runs `program` started by the peer named `init_peer`, whose client services `client`
    /// answers, until no particle is in flight, the TTL expires or the step limit is reached.
    pub fn run(
        &mut self,
        program: &Program,
        init_peer: &str,
        client: Client,
        options: &RunOptions,
    ) -> RunReport {
        self.run_watched(program, init_peer, client, options, &mut |_| {})
    }

    /// [`Network::run`], calling `watch` with the report so far after every delivery (for
    /// progress displays).
    pub fn run_watched(
        &mut self,
        program: &Program,
        init_peer: &str,
        client: Client,
        options: &RunOptions,
        watch: &mut dyn FnMut(&RunReport),
    ) -> RunReport {
        let mut run = Run {
            options,
            rng: Rng::new(options.seed),
            queue: BinaryHeap::new(),
            seq: 0,
            prev: HashMap::new(),
            network: self.peers.values().map(|peer| peer.id.clone()).collect(),
            timers: HashMap::new(),
            verified: VerifiedSignatures::new(),
            report: RunReport {
                hops: Vec::new(),
                stop: Stop::Done,
                client,
                steps: 0,
                data_bytes: BTreeMap::new(),
                elapsed_ms: 0,
            },
        };
        let init_id = self.id_of(init_peer).unwrap_or_default().to_string();
        let names: HashMap<String, String> =
            self.peers.values().map(|p| (p.id.clone(), p.name.clone())).collect();
        run.send(None, init_peer.to_string(), Vec::new(), 0);
        while let Some(Reverse(delivery)) = run.queue.pop() {
            if run.report.steps >= options.max_steps {
                run.report.stop = Stop::StepLimit;
                break;
            }
            run.report.elapsed_ms = delivery.at;
            if delivery.at > u64::from(options.ttl) {
                run.dropped(delivery, "ttl expired");
                run.report.stop = Stop::TtlExpired;
                continue;
            }
            let Some(peer) = self.peers.get_mut(&delivery.to) else { continue };
            if peer.down {
                run.dropped(delivery, "peer down");
                continue;
            }
            let next = run.deliver(program, peer, &init_id, &names, delivery);
            for (from, to, data) in next {
                run.route(from, to, data);
            }
            watch(&run.report);
        }
        for (peer, data) in &run.prev {
            run.report.data_bytes.insert(peer.clone(), data.len());
        }
        run.report
    }
}

struct Run<'o> {
    options: &'o RunOptions,
    rng: Rng,
    queue: BinaryHeap<Reverse<Delivery>>,
    seq: u64,
    prev: HashMap<String, Vec<u8>>,
    /// Every peer id, for the built-ins.
    network: Vec<String>,
    /// Replies due at a wake-up, by the wake-up's delivery number.
    timers: HashMap<u64, Pending>,
    /// Signatures found valid on earlier hops (see [`VerifiedSignatures`]).
    verified: VerifiedSignatures,
    report: RunReport,
}

/// A reply that arrives later: the call's id, its result, and the call as the hop lists it.
struct Pending {
    call_id: u32,
    result: CallResult,
    call: HopCall,
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
        let (low, high) = faults.latency_ms;
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

    /// Runs the peer's steps until it asks for no more calls; returns the particles to send.
    fn deliver(
        &mut self,
        program: &Program,
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
        let mut prev_data = self.prev.remove(&peer.name).unwrap_or_default();
        let mut results = BTreeMap::new();
        if let Some(pending) = self.timers.remove(&delivery.seq) {
            results.insert(pending.call_id, pending.result);
            hop.calls.push(pending.call);
        }
        let mut current = delivery.data;
        let mut next: BTreeSet<String> = BTreeSet::new();
        loop {
            self.report.steps += 1;
            let outcome = step_program_with(
                program,
                &prev_data,
                &current,
                &params,
                results,
                self.options.share_verified_signatures.then_some(&self.verified),
            );
            if outcome.ret_code != 0 {
                hop.error = Some((outcome.ret_code, outcome.error_message.clone()));
            }
            next.extend(outcome.next_peers.iter().cloned());
            prev_data = outcome.data;
            if outcome.call_requests.is_empty() || self.report.steps >= self.options.max_steps {
                break;
            }
            results = BTreeMap::new();
            let mut requests = outcome.call_requests;
            requests.sort_by_key(|request| request.call_id);
            for request in requests {
                let TimedReply { reply, after_ms } = self.answer(peer, init_id, &request);
                let result =
                    CallResult { ret_code: reply.ret_code, result: reply.result.to_string() };
                let call = HopCall {
                    service: request.service_id,
                    function: request.function_name,
                    args: request.arguments,
                    ret_code: reply.ret_code,
                    result: reply.result,
                };
                if after_ms == 0 {
                    results.insert(request.call_id, result);
                    hop.calls.push(call);
                } else {
                    let pending = Pending { call_id: request.call_id, result, call };
                    self.wake_later(&peer.name, after_ms, pending);
                }
            }
            if results.is_empty() {
                break;
            }
            current = Vec::new();
        }
        let mut outgoing = Vec::new();
        for id in next.into_iter().filter(|id| *id != peer.id) {
            match names.get(&id) {
                Some(name) => outgoing.push((peer.name.clone(), name.clone(), prev_data.clone())),
                None => {
                    hop.error = Some((
                        0,
                        format!("the particle was sent to {id}, which is not in the network"),
                    ))
                }
            }
        }
        hop.next = outgoing.iter().map(|(_, name, _)| name.clone()).collect();
        self.report.hops.push(hop);
        self.prev.insert(peer.name.clone(), prev_data);
        outgoing
    }

    /// Invokes the peer again `after_ms` from now, with the pending reply and no new data.
    fn wake_later(&mut self, peer: &str, after_ms: u64, pending: Pending) {
        let at = self.report.elapsed_ms.saturating_add(after_ms);
        self.send(Some(peer.to_string()), peer.to_string(), Vec::new(), at);
        self.timers.insert(self.seq, pending);
    }

    /// The client answers first on the init peer, then the peer's services and the built-ins.
    fn answer(&mut self, peer: &mut Peer, init_id: &str, request: &CallRequest) -> TimedReply {
        let call = ServiceCall {
            service: &request.service_id,
            function: &request.function_name,
            args: &request.arguments,
            peer_id: &peer.id,
            init_peer_id: init_id,
            particle_id: &self.options.particle_id,
            now: self.options.timestamp + self.report.elapsed_ms,
            tetraplets: &request.tetraplets,
        };
        if peer.id == init_id
            && let Some(reply) = self.report.client.call(&call)
        {
            return TimedReply { reply, after_ms: 0 };
        }
        let env = PeerEnv { key: &peer.key, network: &self.network };
        peer.services.call(&call, &env)
    }
}
