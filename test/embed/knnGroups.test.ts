import { describe, expect, it } from "vitest";
import { duplicateGroups } from "../../src/embed/duplicates";
import { knn } from "../../src/embed/knn";
import { gaussian, gaussianMatrix, mulberry32 } from "../../src/embed/project/random";
import { similar } from "../../src/embed/similar";

/** Near-duplicate groups and similar() on data built with known copies. */

const dim = 16;

/**
 * 100 random rows; rows 100..111 are slightly perturbed copies: 3 of row 5, 1 of row 7, and
 * 8 of row 40 (more than k: joined through shared neighbours).
 */
function withCopies(): { data: Float32Array; copies: [number, number][] } {
  const base = gaussianMatrix(100, dim, 31);
  const next = gaussian(mulberry32(32));
  const copies: [number, number][] = [
    [5, 100],
    [5, 101],
    [5, 102],
    [7, 103],
    ...Array.from({ length: 8 }, (_, i) => [40, 104 + i] as [number, number]),
  ];
  const data = new Float32Array(112 * dim);
  data.set(base);
  for (const [from, to] of copies)
    for (let t = 0; t < dim; t++) data[to * dim + t] = base[from * dim + t] + 0.01 * next();
  return { data, copies };
}

describe("near-duplicate groups", () => {
  it("groups each row with its copies, numbered by first row, with sizes", async () => {
    const { data } = withCopies();
    const { group, sizes } = duplicateGroups(await knn(data, dim, 5), 0.99);
    expect(Array.from(sizes)).toEqual([4, 2, 9]);
    const members = (g: number) => Array.from(group.keys()).filter((r) => group[r] === g);
    expect(members(0)).toEqual([5, 100, 101, 102]);
    expect(members(1)).toEqual([7, 103]);
    expect(members(2)).toEqual([40, ...Array.from({ length: 8 }, (_, i) => 104 + i)]);
    expect(Array.from(group).filter((g) => g < 0).length).toBe(112 - 15);
  });

  it("a threshold of 1 keeps exact copies only; a threshold outside [-1, 1] is refused", async () => {
    const data = gaussianMatrix(20, dim, 2);
    data.copyWithin(19 * dim, 3 * dim, 4 * dim);
    const nn = await knn(data, dim, 3);
    const { group, sizes } = duplicateGroups(nn, 1);
    expect(Array.from(sizes)).toEqual([2]);
    expect([group[3], group[19]]).toEqual([0, 0]);
    expect(() => duplicateGroups(nn, 1.5)).toThrow(/threshold lies in \[-1, 1\]/);
  });
});

describe("similar", () => {
  const { data } = withCopies();
  const ids = Array.from({ length: 112 }, (_, r) => `s${r}`);
  const embeddings = { ids, vectors: data, dim };

  it("by id or row leaves the row itself out and finds its copies first", async () => {
    const byId = await similar(embeddings, "s5", 4);
    expect(byId.ids.slice(0, 3).sort()).toEqual(["s100", "s101", "s102"]);
    expect(byId.similarity[0]).toBeGreaterThan(0.99);
    const byRow = await similar(embeddings, { row: 5 }, 4);
    expect(byRow).toEqual(byId);
    // The same ranking as the row's k-NN.
    const nn = await knn(data, dim, 4);
    expect(Array.from(byId.rows)).toEqual(Array.from(nn.indices.subarray(5 * 4, 6 * 4)));
  });

  it("by vector keeps an identical row, first", async () => {
    const found = await similar(embeddings, data.slice(7 * dim, 8 * dim), 2);
    expect(found.ids).toEqual(["s7", "s103"]);
    expect(found.similarity[0]).toBeCloseTo(1, 6);
  });

  it("numeric ids (boxes) and unknown ids", async () => {
    const boxes = { ids: ids.map((_, r) => 1000 + r), vectors: data, dim };
    expect((await similar(boxes, 1007, 1)).ids).toEqual([1103]);
    await expect(similar(embeddings, "nope", 3)).rejects.toThrow(/"nope" is not among the embeddings' ids/);
    await expect(similar(embeddings, new Float32Array(3), 3)).rejects.toThrow(/a query vector has 16 values/);
  });
});
