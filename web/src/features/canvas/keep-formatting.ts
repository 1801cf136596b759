// The yaml library re-prints a whole document when it is stringified: comments and key
// order survive, but spacing does not (`[a]` becomes `[ a ]`, two spaces before a comment
// become one). So an edit is applied as a line patch: diff the re-printed document before
// and after the edit, and apply only the changed lines to the user's original text.

function splitLines(text: string): string[] {
  return text.split('\n');
}

// Longest-common-subsequence line alignment, only used on the (small) changed middle.
function alignMiddle(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i++, j++]);
    } else if (dp[i + 1][j] >= dp[i][j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}

const MAX_ALIGN_CELLS = 4_000_000;

// original: what the user wrote; before/after: the document re-printed before and after the
// edit. Returns `after` with every line the edit did not touch taken from `original`.
export function keepFormatting(original: string, before: string, after: string): string {
  const orig = splitLines(original);
  const a = splitLines(before);
  const b = splitLines(after);
  // Re-printing changed the line structure (e.g. a multi-line flow map): no safe mapping.
  if (orig.length !== a.length) return after;

  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;

  const out = orig.slice(0, prefix);
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  if (midA.length * midB.length <= MAX_ALIGN_CELLS) {
    let j = 0;
    for (const [ia, ib] of alignMiddle(midA, midB)) {
      while (j < ib) out.push(midB[j++]);
      out.push(orig[prefix + ia]);
      j = ib + 1;
    }
    while (j < midB.length) out.push(midB[j++]);
  } else {
    out.push(...midB);
  }
  out.push(...orig.slice(orig.length - suffix));
  return out.join('\n');
}
