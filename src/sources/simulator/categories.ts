// The simulated shop's departments: what each sells (nouns for titles and search queries), its
// typical price in CNY and how widely prices spread, and how much traffic it draws. Realistic
// spreads matter downstream: price-drop and affinity logic behave differently on a 39 CNY pen
// than on a 5,999 CNY laptop.

export interface Category {
  /** Used as `categoryId` in events. */
  id: string;
  /** Product nouns; item titles and search queries are built from these. */
  nouns: readonly string[];
  /** Median price in CNY; prices are log-normal around it. */
  medianPrice: number;
  /** Log-normal sigma of prices within the category. */
  priceSpread: number;
  /** Relative share of items and of user interest. */
  popularity: number;
}

export const CATEGORIES: readonly Category[] = [
  { id: 'mobile-phones', nouns: ['Smartphone', 'Foldable Phone', 'Rugged Phone'], medianPrice: 2999, priceSpread: 0.5, popularity: 2.5 },
  { id: 'phone-accessories', nouns: ['Phone Case', 'Screen Protector', 'Charging Cable', 'Power Bank'], medianPrice: 59, priceSpread: 0.6, popularity: 2.5 },
  { id: 'audio', nouns: ['Wireless Earbuds', 'Bluetooth Speaker', 'Over-Ear Headphones', 'Soundbar'], medianPrice: 299, priceSpread: 0.8, popularity: 2 },
  { id: 'laptops', nouns: ['Ultrabook', 'Gaming Laptop', '2-in-1 Laptop'], medianPrice: 5999, priceSpread: 0.4, popularity: 1.2 },
  { id: 'computer-peripherals', nouns: ['Mechanical Keyboard', 'Wireless Mouse', 'USB-C Hub', 'Webcam'], medianPrice: 199, priceSpread: 0.7, popularity: 1.5 },
  { id: 'tablets', nouns: ['Tablet', 'E-Reader', 'Drawing Tablet'], medianPrice: 2499, priceSpread: 0.5, popularity: 1 },
  { id: 'cameras', nouns: ['Mirrorless Camera', 'Action Camera', 'Instant Camera', 'Camera Lens'], medianPrice: 3999, priceSpread: 0.8, popularity: 0.7 },
  { id: 'smart-home', nouns: ['Smart Plug', 'Robot Vacuum', 'Smart Bulb', 'Video Doorbell'], medianPrice: 299, priceSpread: 0.9, popularity: 1.2 },
  { id: 'wearables', nouns: ['Smartwatch', 'Fitness Band', 'Smart Ring'], medianPrice: 899, priceSpread: 0.6, popularity: 1.2 },
  { id: 'gaming', nouns: ['Game Controller', 'Gaming Headset', 'Console Bundle'], medianPrice: 399, priceSpread: 0.9, popularity: 1.3 },
  { id: 'tv-video', nouns: ['4K Television', 'Projector', 'Streaming Stick'], medianPrice: 2999, priceSpread: 0.8, popularity: 0.8 },
  { id: 'kitchen-appliances', nouns: ['Air Fryer', 'Rice Cooker', 'Espresso Machine', 'Blender'], medianPrice: 499, priceSpread: 0.6, popularity: 1.5 },
  { id: 'cookware', nouns: ['Nonstick Pan', 'Cast Iron Skillet', 'Knife Set', 'Steamer Basket'], medianPrice: 159, priceSpread: 0.6, popularity: 1 },
  { id: 'home-textiles', nouns: ['Duvet Cover', 'Silk Pillowcase', 'Bath Towel Set'], medianPrice: 199, priceSpread: 0.5, popularity: 1 },
  { id: 'furniture', nouns: ['Office Chair', 'Standing Desk', 'Bookshelf', 'Sofa Bed'], medianPrice: 1299, priceSpread: 0.7, popularity: 0.8 },
  { id: 'home-decor', nouns: ['Table Lamp', 'Wall Clock', 'Scented Candle', 'Photo Frame'], medianPrice: 99, priceSpread: 0.7, popularity: 1 },
  { id: 'storage', nouns: ['Storage Box', 'Shoe Rack', 'Vacuum Bag Set'], medianPrice: 69, priceSpread: 0.5, popularity: 0.8 },
  { id: 'cleaning', nouns: ['Microfiber Mop', 'Laundry Pods', 'Dish Soap'], medianPrice: 39, priceSpread: 0.5, popularity: 1.2 },
  { id: 'skincare', nouns: ['Face Serum', 'Sunscreen', 'Moisturizer', 'Sheet Mask Pack'], medianPrice: 189, priceSpread: 0.7, popularity: 2 },
  { id: 'makeup', nouns: ['Lipstick', 'Cushion Foundation', 'Eyeshadow Palette', 'Mascara'], medianPrice: 159, priceSpread: 0.6, popularity: 1.8 },
  { id: 'fragrance', nouns: ['Eau de Parfum', 'Body Mist', 'Perfume Gift Set'], medianPrice: 499, priceSpread: 0.6, popularity: 0.8 },
  { id: 'hair-care', nouns: ['Hair Dryer', 'Shampoo', 'Hair Straightener'], medianPrice: 129, priceSpread: 0.8, popularity: 1 },
  { id: 'womens-clothing', nouns: ['Knit Dress', 'Wool Coat', 'Silk Blouse', 'Pleated Skirt'], medianPrice: 299, priceSpread: 0.6, popularity: 2.5 },
  { id: 'mens-clothing', nouns: ['Down Jacket', 'Oxford Shirt', 'Chino Pants', 'Hoodie'], medianPrice: 299, priceSpread: 0.6, popularity: 1.8 },
  { id: 'shoes', nouns: ['Running Shoes', 'Leather Boots', 'Canvas Sneakers', 'Slippers'], medianPrice: 399, priceSpread: 0.6, popularity: 1.8 },
  { id: 'bags', nouns: ['Backpack', 'Tote Bag', 'Crossbody Bag', 'Carry-On Suitcase'], medianPrice: 299, priceSpread: 0.8, popularity: 1.2 },
  { id: 'jewelry-watches', nouns: ['Gold Necklace', 'Silver Earrings', 'Automatic Watch'], medianPrice: 699, priceSpread: 1, popularity: 0.7 },
  { id: 'sportswear', nouns: ['Yoga Leggings', 'Training Tee', 'Windbreaker'], medianPrice: 199, priceSpread: 0.5, popularity: 1.2 },
  { id: 'sports-equipment', nouns: ['Yoga Mat', 'Adjustable Dumbbells', 'Badminton Racket', 'Road Bike'], medianPrice: 199, priceSpread: 1, popularity: 0.9 },
  { id: 'outdoor', nouns: ['Camping Tent', 'Trekking Poles', 'Sleeping Bag'], medianPrice: 399, priceSpread: 0.7, popularity: 0.6 },
  { id: 'baby', nouns: ['Diapers Pack', 'Baby Formula', 'Stroller', 'Baby Carrier'], medianPrice: 199, priceSpread: 0.8, popularity: 1.2 },
  { id: 'toys', nouns: ['Building Blocks Set', 'Plush Toy', 'RC Car', 'Jigsaw Puzzle'], medianPrice: 149, priceSpread: 0.7, popularity: 1 },
  { id: 'books', nouns: ['Novel', 'Cookbook', 'Picture Book', 'Study Guide'], medianPrice: 49, priceSpread: 0.4, popularity: 1 },
  { id: 'snacks', nouns: ['Mixed Nuts', 'Dried Mango', 'Chocolate Box', 'Instant Noodles Pack'], medianPrice: 49, priceSpread: 0.5, popularity: 1.8 },
  { id: 'beverages', nouns: ['Green Tea', 'Coffee Beans', 'Sparkling Water Case'], medianPrice: 79, priceSpread: 0.6, popularity: 1.2 },
  { id: 'fresh-food', nouns: ['Imported Cherries', 'Beef Steak Pack', 'Salmon Fillet'], medianPrice: 129, priceSpread: 0.5, popularity: 1 },
  { id: 'pet-supplies', nouns: ['Cat Food', 'Dog Leash', 'Cat Litter', 'Pet Bed'], medianPrice: 99, priceSpread: 0.6, popularity: 1 },
  { id: 'health', nouns: ['Vitamin C', 'Fish Oil Capsules', 'Blood Pressure Monitor'], medianPrice: 159, priceSpread: 0.7, popularity: 0.9 },
  { id: 'automotive', nouns: ['Car Phone Mount', 'Dash Cam', 'Car Vacuum'], medianPrice: 149, priceSpread: 0.7, popularity: 0.6 },
  { id: 'office-stationery', nouns: ['Gel Pen Set', 'Notebook', 'Desk Organizer', 'Label Printer'], medianPrice: 39, priceSpread: 0.7, popularity: 0.8 },
];
