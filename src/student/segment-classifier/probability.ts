/** Numerically careful logistic and softmax, shared by prediction, training and calibration. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** In place: margins → softmax(margins / temperature). */
export function softmaxInPlace(values: Float64Array, length: number, temperature: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let l = 0; l < length; l++) max = Math.max(max, (values[l] as number) / temperature);
  let total = 0;
  for (let l = 0; l < length; l++) {
    const e = Math.exp((values[l] as number) / temperature - max);
    values[l] = e;
    total += e;
  }
  for (let l = 0; l < length; l++) values[l] = (values[l] as number) / total;
}
