//! The words of the workload: queues, intents, sentiments and the lines people say.

pub(crate) const QUEUES: [(&str, &str, u32); 6] = [
    ("q-sales", "Sales", 20),
    ("q-support", "Support", 30),
    ("q-billing", "Billing", 20),
    ("q-vip", "VIP", 10),
    ("q-tech", "Technical", 60),
    ("q-email", "E-mail", 3600),
];
pub(crate) const INTENTS: [&str; 6] = [
    "billing-question",
    "lost-card",
    "cancel",
    "upgrade",
    "technical-issue",
    "greeting",
];
pub(crate) const SENTIMENTS: [&str; 3] = ["positive", "neutral", "negative"];
pub(crate) const CUSTOMER_LINES: [&str; 6] = [
    "I was charged twice this month",
    "I lost my card yesterday",
    "I want to cancel my subscription",
    "Can I upgrade my plan",
    "The router keeps disconnecting",
    "Hello, I need some help",
];
pub(crate) const AGENT_LINES: [&str; 4] = [
    "Let me look into that for you",
    "I can help with that",
    "Thanks for waiting",
    "Is there anything else?",
];
