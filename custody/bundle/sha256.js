"use strict";
/* Incremental SHA-256 (FIPS 180-4): WebCrypto's digest() takes its input at once, so the page hashes
   a multi-gigabyte image here, slice by slice, in bounded memory (tested in test_selfcheck_artefact.py). */
class Sha256 {
  /** FIPS 180-4 §4.2.2, §5.3.3: constants from the cube roots of 64 primes, start from square roots of 8. */
  static PRIMES = [...Array(312).keys()].filter((n) =>
    n > 1 && [...Array(n).keys()].every((d) => d < 2 || n % d));
  static K = Uint32Array.from(Sha256.PRIMES, (p) => ((Math.cbrt(p) % 1) * 2 ** 32) >>> 0);
  h = Uint32Array.from(Sha256.PRIMES.slice(0, 8), (p) => ((Math.sqrt(p) % 1) * 2 ** 32) >>> 0);
  block = new Uint8Array(64);
  filled = 0; // bytes waiting in ``block``
  length = 0; // bytes hashed so far (a Number is exact up to 2**53 bytes)
  w = new Uint32Array(64);

  /** Hash more bytes (any length, any number of calls). */
  update(bytes) {
    this.length += bytes.length;
    let at = 0;
    if (this.filled) {
      at = Math.min(64 - this.filled, bytes.length);
      this.block.set(bytes.subarray(0, at), this.filled);
      this.filled += at;
      if (this.filled < 64) return this;
      this.compress(this.block, 0);
    }
    for (; at + 64 <= bytes.length; at += 64) this.compress(bytes, at);
    this.block.set(bytes.subarray(at), 0);
    this.filled = bytes.length - at;
    return this;
  }

  /** The 32-byte digest (no update afterwards). */
  digest() {
    const tail = new Uint8Array((this.filled < 56 ? 64 : 128) - this.filled);
    const view = new DataView(tail.buffer);
    tail[0] = 0x80;
    view.setUint32(tail.length - 8, Math.floor(this.length / 2 ** 29)); // the length in bits, big-endian
    view.setUint32(tail.length - 4, (this.length * 8) >>> 0);
    this.update(tail);
    const out = new DataView(new ArrayBuffer(32));
    this.h.forEach((word, i) => out.setUint32(4 * i, word));
    return new Uint8Array(out.buffer);
  }

  /** One 64-byte block of ``bytes`` from ``at`` into the hash value (FIPS 180-4 §6.2.2). */
  compress(bytes, at) {
    const { w, h } = this;
    const K = Sha256.K;
    for (let i = 0; i < 16; i++, at += 4)
      w[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      w[i] = w[i - 16] + s0 + w[i - 7] + (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
    }
    let a = h[0] | 0, b = h[1] | 0, c = h[2] | 0, d = h[3] | 0;
    let e = h[4] | 0, f = h[5] | 0, g = h[6] | 0, k = h[7] | 0;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      // The eight working variables shift by one: a new a and e enter, and the last (k) leaves.
      k = g, g = f, f = e, e = (d + t1) | 0;
      d = c, c = b, b = a, a = (t1 + t2) | 0;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
    h[4] += e, h[5] += f, h[6] += g, h[7] += k;
  }
}

/** The 32-bit word ``x`` rotated right by ``n`` bits. */
const rotr = (x, n) => (x >>> n) | (x << (32 - n));

/** Hash a File or Blob in slices of ``slice`` bytes, reporting progress; resolves to the hex digest. */
async function sha256Blob(blob, onProgress = () => {}, slice = 8 * 1024 * 1024) {
  const hash = new Sha256();
  for (let at = 0; at < blob.size; at += slice) {
    hash.update(new Uint8Array(await blob.slice(at, at + slice).arrayBuffer()));
    onProgress(Math.min(at + slice, blob.size), blob.size);
  }
  onProgress(blob.size, blob.size);
  return Array.from(hash.digest(), (b) => b.toString(16).padStart(2, "0")).join("");
}
