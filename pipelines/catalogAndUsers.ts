// Keeps the catalog and the users' settings current from catalog and user events, for the
// decisions and templates that read them. Produces no candidates itself.

import { ignoreElements, merge, tap } from 'rxjs';
import { definePipeline } from '../src/runtime/pipeline.js';
import { ofKind } from '../operators/ofKind.js';

export const catalogAndUsers = definePipeline({
  name: 'catalog_and_users',
  build(events$, { catalog, users }) {
    return merge(
      events$.pipe(ofKind('catalog'), tap((event) => catalog.apply(event))),
      events$.pipe(ofKind('user'), tap((event) => users.apply(event))),
    ).pipe(ignoreElements());
  },
});
