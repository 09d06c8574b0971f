-- Readers of one organisation's log (history, resumed streams) walk it in (tx, id) order.
CREATE INDEX events_org_order ON events (org, tx, id);
