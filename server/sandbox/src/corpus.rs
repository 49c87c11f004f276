//! Believable notification texts for the demo apps' history and background traffic.

/// Marketing pushes of a shop (all devices, tags, account packages).
pub(crate) const SHOP_CAMPAIGNS: &[(&str, &str)] = &[
    (
        "Flash sale: 50% off sneakers",
        "Only until midnight. Tap to shop the drop before it's gone.",
    ),
    (
        "Weekend deals are live",
        "Up to 40% off home, kitchen and garden. Free delivery over ¥99.",
    ),
    (
        "Your cart misses you",
        "The items in your cart are selling fast. Complete your order today.",
    ),
    (
        "New arrivals: spring collection",
        "Fresh styles just landed. Be the first to see them.",
    ),
    (
        "Double points day",
        "Earn 2× loyalty points on every order, today only.",
    ),
    (
        "Back in stock",
        "The wireless earbuds you liked are back. Limited quantities.",
    ),
    (
        "Members' early access",
        "Gold members shop the summer sale 24 hours early. Starts now.",
    ),
    (
        "Free shipping weekend",
        "No minimum spend on all orders until Sunday 23:59.",
    ),
    (
        "Price drop on your wishlist",
        "3 items on your wishlist just got cheaper.",
    ),
    (
        "Singles' Day countdown",
        "Pre-sale coupons are ready. Claim yours before they run out.",
    ),
];

/// Transactional pushes of a shop (token and account lists).
pub(crate) const SHOP_TRANSACTIONAL: &[(&str, &str)] = &[
    (
        "Your order has shipped",
        "Order #{n} is on its way. Track it in the app.",
    ),
    (
        "Out for delivery",
        "Your parcel #{n} arrives today between 14:00 and 18:00.",
    ),
    (
        "Payment received",
        "We received your payment for order #{n}. Thank you!",
    ),
    (
        "Refund processed",
        "The refund for order #{n} will reach your account in 1–3 days.",
    ),
    (
        "Pick-up reminder",
        "Your order #{n} is waiting at the pick-up point until Friday.",
    ),
    (
        "Rate your purchase",
        "How was order #{n}? Leave a review and earn 20 points.",
    ),
];

/// A news app's pushes.
pub(crate) const NEWS: &[(&str, &str)] = &[
    (
        "Breaking: central bank cuts rates",
        "The benchmark rate falls by 25 basis points. Read the analysis.",
    ),
    (
        "Morning briefing",
        "Markets, weather and the five stories you need to know today.",
    ),
    (
        "Typhoon warning upgraded",
        "Orange alert for the coast from 18:00. Latest track and advice.",
    ),
    ("Evening digest", "Today's top stories in three minutes."),
    (
        "Live: national team in the final",
        "Kick-off at 20:00. Follow every moment in the live blog.",
    ),
    (
        "Exclusive interview",
        "The tech founder on AI, chips and the next decade.",
    ),
    (
        "Metro line 14 opens today",
        "Eight new stations, timetables and what changes for commuters.",
    ),
    (
        "Weekend long read",
        "Inside the villages bringing back traditional tea farming.",
    ),
    (
        "Election results",
        "Live map and seat count as results come in.",
    ),
    (
        "Health alert",
        "Flu cases rise ahead of winter: what doctors recommend.",
    ),
];

/// In-app messages (message type `message`).
pub(crate) const IN_APP: &[(&str, &str)] = &[
    ("Sync", "{\"action\":\"refresh_feed\"}"),
    ("Coupon wallet", "{\"action\":\"show_coupon\",\"id\":{n}}"),
    ("Settings updated", "{\"action\":\"reload_config\"}"),
];

/// Override texts: the corrected version of a campaign.
pub(crate) const CORRECTION_PREFIX: &str = "Correction: ";

pub(crate) const TAGS: &[&str] = &[
    "vip",
    "city_shanghai",
    "city_beijing",
    "new_users",
    "inactive_30d",
    "sports",
    "finance",
    "tech",
];
