//! The init peer as a client: it hands out arguments, receives results, callbacks and errors.

use std::collections::BTreeMap;

use crate::services::{Service, ServiceCall, ServiceReply};
use air_vm::value::JValue;

/// What reached the client during a run, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// `callbackSrv.response`: the function's results.
    Response(Vec<JValue>),
    /// `callbackSrv.<name>`: a callback (an arrow argument) was called.
    Callback {
        /// The callback's name.
        name: String,
        /// Its arguments.
        args: Vec<JValue>,
    },
    /// `errorHandlingSrv.error`: the function failed; the error object and its code argument.
    Error(Vec<JValue>),
    /// `tracingSrv.tracingEvent` (compiled with tracing).
    Trace(Vec<JValue>),
}

/// The client services of the init peer: `getDataSrv`, `callbackSrv`, `errorHandlingSrv`.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// Arguments by name; `-relay-` is answered from here too, and a callback (`callbackSrv`
    /// with its name) gets the value of its name, or null.
    pub data: BTreeMap<String, JValue>,
    /// What the particle delivered to the client, in order.
    pub events: Vec<ClientEvent>,
}

impl Client {
    /// A client with these arguments and relay peer id.
    pub fn new(data: BTreeMap<String, JValue>, relay_id: &str) -> Client {
        let mut data = data;
        data.entry("-relay-".to_string()).or_insert_with(|| JValue::String(relay_id.to_string()));
        Client { data, events: Vec::new() }
    }

    /// The results of the first `callbackSrv.response`, if one came.
    pub fn response(&self) -> Option<&[JValue]> {
        self.events.iter().find_map(|event| match event {
            ClientEvent::Response(values) => Some(values.as_slice()),
            _ => None,
        })
    }

    /// The first error reported to `errorHandlingSrv`, if any.
    pub fn error(&self) -> Option<&[JValue]> {
        self.events.iter().find_map(|event| match event {
            ClientEvent::Error(values) => Some(values.as_slice()),
            _ => None,
        })
    }
}

impl Service for Client {
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply> {
        let args = call.args.to_vec();
        match call.service {
            "getDataSrv" => Some(match self.data.get(call.function) {
                Some(value) => ServiceReply::ok(value.clone()),
                None => ServiceReply::error(
                    1,
                    format!("no argument named `{}` was given", call.function),
                ),
            }),
            "callbackSrv" if call.function == "response" => {
                self.events.push(ClientEvent::Response(args));
                Some(ServiceReply::ok(JValue::Null))
            }
            "callbackSrv" => {
                self.events.push(ClientEvent::Callback { name: call.function.to_string(), args });
                let answer = self.data.get(call.function).cloned().unwrap_or(JValue::Null);
                Some(ServiceReply::ok(answer))
            }
            "errorHandlingSrv" => {
                self.events.push(ClientEvent::Error(args));
                Some(ServiceReply::ok(JValue::Null))
            }
            "tracingSrv" => {
                self.events.push(ClientEvent::Trace(args));
                Some(ServiceReply::ok(JValue::Null))
            }
            _ => None,
        }
    }
}
