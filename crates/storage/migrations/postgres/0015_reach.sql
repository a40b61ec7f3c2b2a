-- Reach: offer pages opened through a channel's link (?via=), counted per week without any
-- cookie or address; the channel an application came through.
CREATE TABLE channel_views (
    week TEXT NOT NULL,
    channel TEXT NOT NULL,
    offer_id BIGINT NOT NULL,
    views BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (week, channel, offer_id)
);
ALTER TABLE applications ADD COLUMN channel TEXT;
