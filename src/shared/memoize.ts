/**
 * `fn` with its answers remembered by argument, for a pure function called again and again with a small set
 * of strings (stems, folded characters, SQL texts). Bounded: when `limit` answers are held, they are all
 * forgotten at once, which costs less per call than tracking which one was used last.
 */
export function memoize(fn: (key: string) => string, limit: number): (key: string) => string {
  const answers = new Map<string, string>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      if (answers.size >= limit) answers.clear();
      answer = fn(key);
      answers.set(key, answer);
    }
    return answer;
  };
}
