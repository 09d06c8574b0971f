CREATE TABLE notes (id bigserial PRIMARY KEY, org text NOT NULL, text text NOT NULL);
