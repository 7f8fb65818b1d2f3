-- Trigram indexes keep inventory search (ILIKE '%q%') fast at 100k+ rows.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
