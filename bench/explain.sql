-- Statements the bench EXPLAINs (ANALYZE, BUFFERS) after its wrk runs, on the loaded, warm database;
-- the plans go into RESULTS.md. One statement per block, blocks separated by a line "-- next".
-- They copy the modules' SQL as it was when this file was written (literal values instead of
-- parameters), next to rewrites suggested in RESULTS.md: keep them in step with the modules.

-- people search, as profiles' ProfilesStore.searchPeople + paged() sends it (q=alice, org of 100,000)
SELECT u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, u.last_name, u.email, u.image,
       u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, u.social, u.x, u.status,
       u.created_at, u.updated_at, count(*) OVER () AS total
  FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('alice')
 ORDER BY u.tn_id LIMIT 20 OFFSET 0
-- next
-- suggested: the same page without the window count (the ordered index scan stops after 20 matches) ...
SELECT u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, u.last_name, u.email, u.image,
       u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, u.social, u.x, u.status,
       u.created_at, u.updated_at
  FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('alice')
 ORDER BY u.tn_id LIMIT 20 OFFSET 0
-- next
-- ... and the total from the search index alone (bitmap scan), in its own statement or a MATERIALIZED CTE
SELECT count(*) FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('alice')
