/** Pieces joined into one flat string at a time: few enough objects, few enough copies. */
const BLOCK = 256;

/**
 * The text of a reply as it streams, held compactly: every `BLOCK` deltas become one flat string, so a
 * 100,000-token reply (kept for its session turn) costs about its characters, not 100,000 small
 * strings and an array of references to them.
 */
export class ReplyText {
  private blocks: string[] = [];
  private pending: string[] = [];
  private characters = 0;

  add(text: string): void {
    this.pending.push(text);
    this.characters += text.length;
    if (this.pending.length >= BLOCK) {
      this.blocks.push(this.pending.join(''));
      this.pending = [];
      if (this.blocks.length >= BLOCK) this.blocks = [this.blocks.join('')];
    }
  }

  get length(): number {
    return this.characters;
  }

  toString(): string {
    return this.blocks.join('') + this.pending.join('');
  }
}
