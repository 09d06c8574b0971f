-- Statements the bench EXPLAINs (ANALYZE, BUFFERS) after its wrk runs, on the loaded, warm database;
-- the plans go into RESULTS.md. One statement per block, blocks separated by a line "-- next".
-- They copy the modules' SQL as it was when this file was written (literal values instead of
-- parameters): keep them in step with the modules.

-- people search page, as profiles' ProfilesStore.searchPeople + paged() sends it (q=alice, org of 100,000)
SELECT u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, u.last_name, u.email, u.image,
       u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, u.social, u.x, u.status,
       u.created_at, u.updated_at
  FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('alice')
 ORDER BY u.tn_id LIMIT 20 OFFSET 0
-- next
-- people search total (exact up to 10,000), run beside the page
SELECT count(*) FROM (SELECT 1 FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('alice')
 LIMIT 10001) x
-- next
-- the same search before profiles commit 163f9e4 (page and total in one statement with a window count), for comparison
SELECT u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, u.last_name, u.email, u.image,
       u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, u.social, u.x, u.status,
       u.created_at, u.updated_at, count(*) OVER () AS total
  FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('alice')
 ORDER BY u.tn_id LIMIT 20 OFFSET 0
-- next
-- people search page in the 10,000-profile organisation (its rows come after the big organisation's in tn_id order)
SELECT u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, u.last_name, u.email, u.image,
       u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, u.social, u.x, u.status,
       u.created_at, u.updated_at
  FROM profiles.users u
 WHERE u.org = 'bench-small' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('alice')
 ORDER BY u.tn_id LIMIT 20 OFFSET 0
-- next
-- people search for a word nobody has (the ordered walk then reads every row of the organisation)
SELECT u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, u.last_name, u.email, u.image,
       u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, u.social, u.x, u.status,
       u.created_at, u.updated_at
  FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('zzyzx')
 ORDER BY u.tn_id LIMIT 20 OFFSET 0
-- next
-- people search for a word one person has (a number of an email address)
SELECT u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, u.last_name, u.email, u.image,
       u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, u.social, u.x, u.status,
       u.created_at, u.updated_at
  FROM profiles.users u
 WHERE u.org = 'bench' AND u.type = 'person' AND u.status = 'active' AND u.search @@ profiles.search_query('54321')
 ORDER BY u.tn_id LIMIT 20 OFFSET 0
