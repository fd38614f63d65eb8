// Message templates per notification type and locale. A first, small set: issue #7 grows this
// into files per type x channel x locale with variants; the rendering seam stays the same.

export interface MessageTemplate {
  title: string;
  body: string;
}

export type TemplatesByLocale = Record<string, MessageTemplate>;

/** Placeholders each type may use, filled by the renderer from the candidate and the catalog. */
export const TEMPLATE_FIELDS: Record<string, readonly string[]> = {
  abandoned_cart: ['item', 'price'],
  browse_abandonment: ['item', 'price'],
  browse_abandonment_digest: ['count', 'items'],
  price_drop: ['item', 'newPrice', 'oldPrice', 'dropPercent'],
  price_drop_digest: ['count', 'items'],
  back_in_stock: ['item', 'price'],
  back_in_stock_digest: ['count', 'items'],
  order_paid: ['orderId', 'item'],
  order_shipped: ['orderId', 'item'],
  order_out_for_delivery: ['orderId', 'item'],
  order_delivered: ['orderId', 'item'],
  order_cancelled: ['orderId', 'item'],
  recommendation_digest: ['count', 'items', 'interest'],
  win_back: ['count', 'items'],
  segment_campaign: ['campaignTitle', 'campaignBody', 'item', 'price'],
};

export const MESSAGE_TEMPLATES: Record<string, TemplatesByLocale> = {
  abandoned_cart: {
    'en-US': {
      title: 'Still thinking about {item}?',
      body: 'You left {item}{price} in your cart. It is still there for you.',
    },
    'zh-CN': {
      title: '{item}还在购物车里',
      body: '您加入购物车的{item}{price}还在等您,别错过。',
    },
  },
  browse_abandonment: {
    'en-US': { title: 'Still looking at {item}?', body: 'You viewed {item}{price} a few times. Take another look before it is gone.' },
    'zh-CN': { title: '还在看{item}吗?', body: '您多次浏览了{item}{price},再看看吧,好物不等人。' },
  },
  browse_abandonment_digest: {
    'en-US': { title: '{count} items caught your eye', body: '{items}: still waiting for you.' },
    'zh-CN': { title: '{count}件商品让您心动', body: '{items}还在等您。' },
  },
  price_drop: {
    'en-US': { title: 'Price drop: {item}', body: '{item} is now {newPrice}, {dropPercent} less than {oldPrice}.' },
    'zh-CN': { title: '{item}降价了', body: '{item}现价{newPrice},比{oldPrice}便宜了{dropPercent}。' },
  },
  price_drop_digest: {
    'en-US': { title: '{count} items you liked are cheaper', body: 'Prices dropped on {items}.' },
    'zh-CN': { title: '您喜欢的{count}件商品降价了', body: '{items}的价格下调了。' },
  },
  back_in_stock: {
    'en-US': { title: '{item} is back in stock', body: 'Good news: {item}{price} is available again. Grab it before it sells out.' },
    'zh-CN': { title: '{item}到货了', body: '好消息:{item}{price}已重新到货,欲购从速。' },
  },
  back_in_stock_digest: {
    'en-US': { title: '{count} items you wanted are back', body: '{items}: back in stock now.' },
    'zh-CN': { title: '您想要的{count}件商品到货了', body: '{items}已重新到货。' },
  },
  order_paid: {
    'en-US': { title: 'Payment received', body: 'Thank you! We received the payment for order {orderId} ({item}).' },
    'zh-CN': { title: '付款成功', body: '已收到订单{orderId}({item})的付款,感谢您的购买!' },
  },
  order_shipped: {
    'en-US': { title: 'Your order has shipped', body: 'Order {orderId} ({item}) is on its way.' },
    'zh-CN': { title: '您的订单已发货', body: '订单{orderId}({item})已发货,正在路上。' },
  },
  order_out_for_delivery: {
    'en-US': { title: 'Out for delivery', body: 'Order {orderId} ({item}) is out for delivery and arrives today.' },
    'zh-CN': { title: '正在派送', body: '订单{orderId}({item})正在派送中,今天送达。' },
  },
  order_delivered: {
    'en-US': { title: 'Delivered', body: 'Order {orderId} ({item}) has been delivered. Enjoy!' },
    'zh-CN': { title: '已送达', body: '订单{orderId}({item})已送达,祝您使用愉快!' },
  },
  order_cancelled: {
    'en-US': { title: 'Order cancelled', body: 'Order {orderId} ({item}) was cancelled; any payment will be refunded.' },
    'zh-CN': { title: '订单已取消', body: '订单{orderId}({item})已取消,已付款项将原路退回。' },
  },
  recommendation_digest: {
    'en-US': { title: 'New picks for you', body: '{items}: chosen for you.{interest}' },
    'zh-CN': { title: '为您精选', body: '{items},根据您的喜好挑选。{interest}' },
  },
  win_back: {
    'en-US': { title: 'We miss you', body: 'It has been a while. Here is what shoppers love right now: {items}.' },
    'zh-CN': { title: '好久不见', body: '好久没见到您了,看看大家最近喜欢的:{items}。' },
  },
  segment_campaign: {
    'en-US': { title: '{campaignTitle}', body: '{campaignBody}' },
    'zh-CN': { title: '{campaignTitle}', body: '{campaignBody}' },
  },
};

const PLACEHOLDER = /\{(\w+)\}/g;

/** Fails fast, naming type, locale and placeholder, when a template uses an unknown field. */
export function validateTemplates(templates: Record<string, TemplatesByLocale>, fields: Record<string, readonly string[]>): void {
  for (const [type, byLocale] of Object.entries(templates)) {
    const allowed = fields[type];
    if (allowed === undefined) throw new Error(`templates: type "${type}" has no declared fields`);
    for (const [locale, template] of Object.entries(byLocale)) {
      for (const part of ['title', 'body'] as const) {
        for (const [, name] of template[part].matchAll(PLACEHOLDER)) {
          if (!allowed.includes(name)) {
            throw new Error(`templates: ${type}.${locale}.${part} uses unknown placeholder {${name}} (known: ${allowed.join(', ')})`);
          }
        }
      }
    }
  }
}

export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
}
