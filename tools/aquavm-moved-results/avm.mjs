// Thin driver around the reference AquaVM (@fluencelabs/avm 0.62.0 avm.wasm via marine-js 0.13.0).
// Same key derivation and invocation as ~/.cache/aqua-reference/oracle.mjs.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { MarineService } from '@fluencelabs/marine-js/MarineService';
import { defaultCallParameters } from '@fluencelabs/marine-js/types';
const require = createRequire(import.meta.url);
const { serializeAvmArgs, deserializeAvmResult } = require('@fluencelabs/avm');

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function b58(buf) {
  let n = BigInt('0x' + (Buffer.from(buf).toString('hex') || '0')); let s = '';
  while (n > 0n) { s = B58[Number(n % 58n)] + s; n /= 58n; }
  for (const b of buf) { if (b === 0) s = '1' + s; else break; }
  return s;
}
export function peer(name) {
  const seed = crypto.createHash('sha256').update(name).digest();
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const priv = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const pub = Buffer.from(crypto.createPublicKey(priv).export({ format: 'jwk' }).x, 'base64url');
  const proto = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x20]), pub]);
  const mh = Buffer.concat([Buffer.from([0x00, proto.length]), proto]);
  return { name, seed, id: b58(mh) };
}

const dist = new URL('./node_modules/@fluencelabs/', import.meta.url).pathname;
const control = new WebAssembly.Module(fs.readFileSync(dist + 'marine-js/dist/marine-js.wasm'));
const avmWasm = fs.readFileSync(dist + 'avm/dist/avm.wasm');
const cfg = { modules_config: [{ import_name: 'avm', config: { logger_enabled: true, logging_mask: 0,
  wasi: { envs: {}, preopened_files: new Set(), mapped_dirs: new Map() } } }] };
const svc = new MarineService(control, 'avm', () => {}, cfg, { avm: new Uint8Array(avmWasm) }, { WASM_LOG: 'off' });
await svc.init();

// One AquaVM invocation. results: [[callId, {retCode, result(JSON text)}]]
export function invoke({ air, initPeer, self, prevData, curData, results = [], particleId = 'attack-particle',
                         timestamp = 1700000000000, ttl = 60000 }) {
  const runParams = { initPeerId: initPeer.id, currentPeerId: self.id, keyFormat: 0, secretKeyBytes: self.seed,
    timestamp, ttl, particleId };
  const args = serializeAvmArgs(runParams, air, prevData, curData, results);
  args[3].hard_limit_enabled = false; // avmHelpers 0.62 puts a number here
  const out = deserializeAvmResult(svc.call('invoke', args, defaultCallParameters));
  return { retCode: out.retCode, errorMessage: out.errorMessage, data: new Uint8Array(out.data),
    nextPeerPks: out.nextPeerPks, callRequests: out.callRequests.sort((a, b) => a[0] - b[0]) };
}

export function human(data) {
  return svc.call('to_human_readable_data', [Array.from(data)], defaultCallParameters);
}
