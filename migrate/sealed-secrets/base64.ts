/** Standard base64 as Go's base64.StdEncoding.DecodeString reads it (padding required; CR and LF ignored). */
export function decodeBase64Strict(s: string): Uint8Array | null {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) return null;
  const b = Buffer.from(t, 'base64');
  // Non-canonical trailing bits (e.g. "QR==") are refused: kubeseal never writes them, so they mean an edited value.
  if (b.toString('base64') !== t) return null;
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
