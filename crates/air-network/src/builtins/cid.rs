//! Content ids of modules and blueprints, as nox computes them (`cid-utils`): CIDv1 with the
//! raw codec and a SHA-256 multihash, in lower-case base32 with the multibase prefix `b`
//! (`bafkrei…`). nox switches to a UnixFS dag-pb node (`bafybei…`) above 256 KiB; here every
//! size gets the raw form.

use data_encoding::BASE32_NOPAD;
use sha2::{Digest, Sha256};

/// The CIDv1 (raw codec, sha2-256) of `bytes`.
pub fn cid_of(bytes: &[u8]) -> String {
    let mut binary = vec![0x01, 0x55, 0x12, 0x20];
    binary.extend_from_slice(&Sha256::digest(bytes));
    format!("b{}", BASE32_NOPAD.encode(&binary).to_ascii_lowercase())
}

/// Whether `text` reads as a CID: CIDv1 in base32 (`b…`), or CIDv0 (`Qm…`, base58).
pub fn is_cid(text: &str) -> bool {
    if let Some(base32) = text.strip_prefix('b') {
        let Ok(binary) = BASE32_NOPAD.decode(base32.to_ascii_uppercase().as_bytes()) else {
            return false;
        };
        return binary.len() > 3 && binary[0] == 0x01;
    }
    text.starts_with("Qm")
        && bs58::decode(text)
            .into_vec()
            .is_ok_and(|binary| binary.len() == 34 && binary[..2] == [0x12, 0x20])
}
