// Typed arrays cannot grow in place: these copy into one at least twice as large, so that
// appending rows one at a time costs amortized O(1) and the data stays contiguous for the
// plain loops that scan it.

export function growFloat32(array: Float32Array, minLength: number): Float32Array<ArrayBuffer> {
  if (array.length >= minLength) return array as Float32Array<ArrayBuffer>;
  const grown = new Float32Array(Math.max(minLength, array.length * 2, 16));
  grown.set(array);
  return grown;
}

export function growFloat64(array: Float64Array, minLength: number): Float64Array<ArrayBuffer> {
  if (array.length >= minLength) return array as Float64Array<ArrayBuffer>;
  const grown = new Float64Array(Math.max(minLength, array.length * 2, 16));
  grown.set(array);
  return grown;
}

export function growInt32(array: Int32Array, minLength: number, fill = 0): Int32Array<ArrayBuffer> {
  if (array.length >= minLength) return array as Int32Array<ArrayBuffer>;
  const grown = new Int32Array(Math.max(minLength, array.length * 2, 16));
  grown.set(array);
  if (fill !== 0) grown.fill(fill, array.length);
  return grown;
}

export function growUint8(array: Uint8Array, minLength: number): Uint8Array<ArrayBuffer> {
  if (array.length >= minLength) return array as Uint8Array<ArrayBuffer>;
  const grown = new Uint8Array(Math.max(minLength, array.length * 2, 16));
  grown.set(array);
  return grown;
}
