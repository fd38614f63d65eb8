// One visit to the shop, as a funnel played out in event time: maybe a search, a run of views
// mostly in the user's favourite categories, some favourites and add-to-carts, then a checkout
// where each cart line is bought (within minutes), removed, or left behind. Left-behind lines
// stay in the user's cart across sessions: those are the abandoned carts that the
// abandoned-cart trigger targets, and a later visit sometimes buys them after all.

import type { ScheduledTask } from './agenda.js';
import { sellStock } from './catalogChurn.js';
import { nextSessionStart } from './dailyCycle.js';
import { OrderLifecycle } from './orderLifecycle.js';
import { pickBrowsingCategory, type CartLine, type SimulatedUser } from './users.js';
import type { World } from './world.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

/** Funnel rates, tuned so that about a third of sessions cart something and ~half of carts are never bought. */
const SEARCH_ON_ENTRY = 0.3;
const SEARCH_WHILE_BROWSING = 0.05;
const SWITCH_CATEGORY = 0.2;
const MEAN_EXTRA_VIEWS = 5;
const MAX_VIEWS = 40;
const FAVORITE_AFTER_VIEW = 0.06;
const CART_AFTER_VIEW = 0.07;
const CART_AFTER_FAVORITE = 0.25;
/** Fate of a line carted in this session, and of one left over from an earlier one. */
const BUY_NEW_LINE = 0.4;
const REMOVE_NEW_LINE = 0.08;
const BUY_OLD_LINE = 0.1;
const REMOVE_OLD_LINE = 0.05;
/** Carts are finite: past this many lines the oldest silently falls out, as carts expire. */
const MAX_CART_LINES = 8;

const QUERY_PREFIXES = ['', '', '', 'best ', 'cheap ', 'new '];

type Step = 'enter' | 'browse' | 'favorite' | 'addToCart' | 'checkout';
interface CheckoutAction {
  line: CartLine;
  buy: boolean;
}

export class ShoppingSession implements ScheduledTask {
  private step: Step = 'enter';
  private viewsLeft = 0;
  private category = -1;
  private item = -1;
  private readonly cartedHere: CartLine[] = [];
  private checkout: CheckoutAction[] | undefined;

  constructor(
    private readonly world: World,
    private readonly user: SimulatedUser,
  ) {}

  run(now: number): void {
    switch (this.step) {
      case 'enter':
        return this.enter(now);
      case 'browse':
        return this.browse(now);
      case 'favorite':
        return this.favorite(now);
      case 'addToCart':
        return this.addToCart(now);
      case 'checkout':
        return this.checkOut(now);
    }
  }

  private enter(now: number): void {
    const random = this.world.random;
    this.viewsLeft = Math.min(MAX_VIEWS, 1 + Math.floor(random.exponential(MEAN_EXTRA_VIEWS)));
    this.category = pickBrowsingCategory(random, this.user, this.world.catalog);
    this.step = 'browse';
    if (random.chance(SEARCH_ON_ENTRY)) this.search(now);
    else this.browse(now);
  }

  private browse(now: number): void {
    const { random, catalog } = this.world;
    if (this.viewsLeft === 0) {
      this.step = 'checkout';
      return this.checkOut(now);
    }
    if (random.chance(SWITCH_CATEGORY)) {
      this.category = pickBrowsingCategory(random, this.user, catalog);
      if (random.chance(SEARCH_WHILE_BROWSING)) return this.search(now);
    }
    const item = catalog.pickItem(random, this.category);
    this.item = item;
    this.viewsLeft--;
    this.world.emit({
      id: this.world.nextEventId(),
      time: now,
      kind: 'behavior',
      type: 'view',
      userId: this.user.id,
      itemId: catalog.itemId(item),
      categoryId: catalog.categoryId(item),
      price: catalog.price[item],
    });
    const next = random.next();
    this.step = next < FAVORITE_AFTER_VIEW ? 'favorite' : next < FAVORITE_AFTER_VIEW + CART_AFTER_VIEW ? 'addToCart' : 'browse';
    this.continueAfter(now, browsingPause(this.world));
  }

  private search(now: number): void {
    const { random, catalog } = this.world;
    const noun = random.pick(catalog.categories[this.category].nouns);
    this.world.emit({
      id: this.world.nextEventId(),
      time: now,
      kind: 'behavior',
      type: 'search',
      userId: this.user.id,
      query: random.pick(QUERY_PREFIXES) + noun.toLowerCase(),
    });
    this.step = 'browse';
    this.continueAfter(now, browsingPause(this.world));
  }

  private favorite(now: number): void {
    const { random, catalog } = this.world;
    this.world.emit({
      id: this.world.nextEventId(),
      time: now,
      kind: 'behavior',
      type: 'favorite',
      userId: this.user.id,
      itemId: catalog.itemId(this.item),
      categoryId: catalog.categoryId(this.item),
    });
    this.step = random.chance(CART_AFTER_FAVORITE) ? 'addToCart' : 'browse';
    this.continueAfter(now, browsingPause(this.world));
  }

  private addToCart(now: number): void {
    const { random, catalog } = this.world;
    const item = this.item;
    this.step = 'browse';
    // A sold-out page has no cart button; the user just browses on.
    if (catalog.stock[item] > 0) {
      const quantity = Math.min(catalog.stock[item], random.chance(0.85) ? 1 : random.intBetween(2, 3));
      this.world.emit({
        id: this.world.nextEventId(),
        time: now,
        kind: 'behavior',
        type: 'add_to_cart',
        userId: this.user.id,
        itemId: catalog.itemId(item),
        categoryId: catalog.categoryId(item),
        quantity,
        price: catalog.price[item],
      });
      this.putInCart(item, quantity);
    }
    this.continueAfter(now, browsingPause(this.world));
  }

  /** One cart line per step, minutes apart, then the session ends. */
  private checkOut(now: number): void {
    this.checkout ??= this.decideCheckout();
    const action = this.checkout.shift();
    if (action === undefined) return this.leave(now);
    const { line, buy } = action;
    const cart = this.user.cart;
    const index = cart.indexOf(line);
    const stock = this.world.catalog.stock[line.item];
    // A line bought or dropped earlier in this checkout, or sold out meanwhile, stays as it is.
    if (index >= 0 && (!buy || stock > 0)) {
      cart.splice(index, 1);
      if (buy) this.purchase(line.item, Math.min(line.quantity, stock), now);
      else this.removeFromCart(line, now);
    }
    this.continueAfter(now, checkoutPause(this.world));
  }

  private decideCheckout(): CheckoutAction[] {
    const random = this.world.random;
    const actions: CheckoutAction[] = [];
    for (const line of this.user.cart) {
      const fresh = this.cartedHere.includes(line);
      const roll = random.next();
      const buyRate = fresh ? BUY_NEW_LINE : BUY_OLD_LINE;
      const removeRate = fresh ? REMOVE_NEW_LINE : REMOVE_OLD_LINE;
      if (roll < buyRate) actions.push({ line, buy: true });
      else if (roll < buyRate + removeRate) actions.push({ line, buy: false });
    }
    return actions;
  }

  private purchase(item: number, quantity: number, now: number): void {
    const world = this.world;
    const catalog = world.catalog;
    const orderId = world.nextOrderId();
    const itemId = catalog.itemId(item);
    const categoryId = catalog.categoryId(item);
    world.emit({
      id: world.nextEventId(),
      time: now,
      kind: 'behavior',
      type: 'purchase',
      userId: this.user.id,
      itemId,
      categoryId,
      quantity,
      price: catalog.price[item],
      orderId,
    });
    sellStock(world, item, quantity, now);
    OrderLifecycle.start(world, { orderId, userId: this.user.id, itemId, categoryId }, now);
  }

  private removeFromCart(line: CartLine, now: number): void {
    const catalog = this.world.catalog;
    this.world.emit({
      id: this.world.nextEventId(),
      time: now,
      kind: 'behavior',
      type: 'remove_from_cart',
      userId: this.user.id,
      itemId: catalog.itemId(line.item),
      categoryId: catalog.categoryId(line.item),
      quantity: line.quantity,
    });
  }

  private putInCart(item: number, quantity: number): void {
    const cart = this.user.cart;
    const existing = cart.find((line) => line.item === item);
    if (existing !== undefined) {
      existing.quantity += quantity;
      if (!this.cartedHere.includes(existing)) this.cartedHere.push(existing);
      return;
    }
    const line = { item, quantity };
    cart.push(line);
    this.cartedHere.push(line);
    if (cart.length > MAX_CART_LINES) cart.shift();
  }

  /** The session is over: the user's next visit follows their daily cycle from here. */
  private leave(now: number): void {
    const world = this.world;
    const start = nextSessionStart(world.random, this.user.cycle, now + 5 * MINUTE_MS);
    world.schedule(start, new ShoppingSession(world, this.user));
  }

  private continueAfter(now: number, pause: number): void {
    this.world.schedule(now + pause, this);
  }
}

/** Dwell time on a page: seconds to a few minutes, skewed. */
function browsingPause(world: World): number {
  return Math.round(Math.min(5 * MINUTE_MS, Math.max(3 * SECOND_MS, world.random.logNormal(30 * SECOND_MS, 0.7))));
}

/** Between checkout steps: paying takes a minute or so, never more than ten. */
function checkoutPause(world: World): number {
  return Math.round(Math.min(10 * MINUTE_MS, Math.max(10 * SECOND_MS, world.random.logNormal(60 * SECOND_MS, 0.6))));
}
