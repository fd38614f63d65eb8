// What every recommender of this folder returns, by index (ids are attached at the edges), and
// why the item was chosen, so that a message can say "because you viewed ...".

export type RecommendationModel = 'eals' | 'popularity' | 'covisit' | 'category';

export interface ScoredItem {
  item: number;
  score: number;
  model: RecommendationModel;
  /** Co-visitation: the user's item this one was co-visited with. */
  seedItem?: number;
  /** Category affinity: the category (index) the user favours. */
  category?: number;
}

export interface RecommendationReason {
  model: RecommendationModel;
  seedItemId?: string;
  categoryId?: string;
}

export interface Recommendation {
  itemId: string;
  score: number;
  reason: RecommendationReason;
}

/** The recommendation's reason as the ports carry it: `personal`, `popular`, `similar:<itemId>`, `category:<categoryId>`. */
export function reasonLabel(reason: RecommendationReason): string {
  switch (reason.model) {
    case 'eals':
      return 'personal';
    case 'popularity':
      return 'popular';
    case 'covisit':
      return reason.seedItemId === undefined ? 'similar' : `similar:${reason.seedItemId}`;
    case 'category':
      return reason.categoryId === undefined ? 'category' : `category:${reason.categoryId}`;
  }
}
