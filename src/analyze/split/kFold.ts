/**
 * scikit-learn's KFold (1.7.2, model_selection/_split.py): consecutive blocks of the sample order,
 * the first `n % k` folds one sample larger. `order` is the shuffled order, or null for 0 .. n-1.
 */
export function kFold(n: number, k: number, order: ArrayLike<number> | null): Int32Array {
  const fold = new Int32Array(n);
  let position = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    for (let j = 0; j < size; j++, position++) fold[order ? order[position] : position] = f;
  }
  return fold;
}
