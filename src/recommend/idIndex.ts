// Dense indices for string ids (users, items, categories): the models keep their rows in typed
// arrays, addressed by index; ids only appear at the edges (events in, recommendations out).

export class IdIndex {
  private readonly indexById = new Map<string, number>();
  readonly ids: string[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** The id's index, or -1 when unknown. */
  get(id: string): number {
    return this.indexById.get(id) ?? -1;
  }

  /** The id's index, adding it when new. */
  intern(id: string): number {
    let index = this.indexById.get(id);
    if (index === undefined) {
      index = this.ids.length;
      this.ids.push(id);
      this.indexById.set(id, index);
    }
    return index;
  }

  id(index: number): string {
    return this.ids[index];
  }
}
