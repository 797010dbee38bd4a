/**
 * Splits one line of `call --interactive` input into words as a POSIX shell
 * would for the cases people type: whitespace separates, '…' is literal,
 * "…" keeps spaces and honours \" and \\, a backslash outside quotes escapes
 * the next character. An unterminated quote is an error naming the column.
 */
export class SplitError extends Error {
  override name = "SplitError";
}

export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new SplitError(`unterminated ' at column ${i + 1}`);
      word += line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && (line[j + 1] === '"' || line[j + 1] === "\\")) j++;
        word += line[j];
      }
      if (j >= line.length) throw new SplitError(`unterminated " at column ${i + 1}`);
      i = j;
    } else {
      word += c;
    }
  }
  if (inWord) words.push(word);
  return words;
}
