// The items a notification shows, read from its candidate's payload: a single item's `itemId`
// (with its `categoryId` when the trigger knew it), or a digest's `items`. The value budget
// weighs them against the user's categories; the feedback ledger keeps their ids.

export interface MessageItem {
  itemId: string;
  categoryId?: string;
}

/** The items a message shows: its `itemId` (and `categoryId`), or a digest's `items`. */
export function itemsOf(payload: Record<string, unknown>): MessageItem[] {
  if (typeof payload.itemId === 'string') {
    return [{ itemId: payload.itemId, ...(typeof payload.categoryId === 'string' ? { categoryId: payload.categoryId } : {}) }];
  }
  if (!Array.isArray(payload.items)) return [];
  const items: MessageItem[] = [];
  for (const item of payload.items as unknown[]) {
    const { itemId, categoryId } = (item ?? {}) as { itemId?: unknown; categoryId?: unknown };
    if (typeof itemId === 'string') items.push({ itemId, ...(typeof categoryId === 'string' ? { categoryId } : {}) });
  }
  return items;
}

/** The ids of the items a message shows. */
export function itemIdsOf(payload: Record<string, unknown>): string[] {
  return itemsOf(payload).map((item) => item.itemId);
}
