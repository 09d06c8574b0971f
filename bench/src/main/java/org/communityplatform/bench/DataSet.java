package org.communityplatform.bench;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The generated data set: sizes and every id, so that the loader and the request definitions agree
 * without reading anything back.
 *
 * <ul>
 *   <li>Organisation {@value #ORG}: {@code profiles} users {@code u0000001...} with public profiles;
 *       {@code communities} communities (index 0: the big one, {@code bigMembers} members; 1: the
 *       mid one, {@code midMembers}; 2: the join target, open, only its owner; the rest
 *       {@code smallMembers} each); {@code posts} posts spread evenly over the communities;
 *       {@code pages} pages in {@value #CATEGORY_COUNT} categories, each with its owner and
 *       {@code pageMembers} members.</li>
 *   <li>Organisation {@value #SMALL_ORG}: {@code smallProfiles} users {@code s0000001...}: the people
 *       search at the small scale runs there, over the same kind of profiles.</li>
 *   <li>Organisation {@value #XL_ORG} (optional): {@code xlProfiles} users {@code x0000001...}, the
 *       people search at one million rows.</li>
 * </ul>
 *
 * The big community has more members than there are profiles: its first {@code profiles/2}
 * positions and its last {@code profiles/2} positions are users with profiles, the positions between
 * are member-only ids {@code m...} (no profile). So page 1 and the last pages of the directory (where
 * the deep-page measurement reads) both return 20 members with 20 profiles.
 */
final class DataSet {

  static final String ORG = "bench";
  static final String SMALL_ORG = "bench-small";
  static final String XL_ORG = "bench-xl";
  static final int CATEGORY_COUNT = 20;
  static final String[] CATEGORIES = {"design", "music", "sports", "travel", "food", "science", "books", "film",
    "gaming", "health", "finance", "parenting", "pets", "photography", "fashion", "history", "art", "tech",
    "outdoors", "languages"};
  static final String[] TYPES = {"community", "brand", "topic", "event"};

  final int profiles;
  final int smallProfiles;
  final int xlProfiles;
  final int communities;
  final int bigMembers;
  final int midMembers;
  final int smallMembers;
  final int posts;
  final int pages;
  final int pageMembers;

  DataSet(int profiles, int smallProfiles, int xlProfiles, int communities, int bigMembers, int midMembers,
          int smallMembers, int posts, int pages, int pageMembers) {
    if (midMembers > profiles || smallMembers > profiles || pageMembers + 1 > profiles || communities < 4) {
      throw new IllegalArgumentException("inconsistent data set sizes");
    }
    this.profiles = profiles;
    this.smallProfiles = smallProfiles;
    this.xlProfiles = xlProfiles;
    this.communities = communities;
    this.bigMembers = bigMembers;
    this.midMembers = midMembers;
    this.smallMembers = smallMembers;
    this.posts = posts;
    this.pages = pages;
    this.pageMembers = pageMembers;
  }

  static DataSet full(boolean xl) {
    return new DataSet(100_000, 10_000, xl ? 1_000_000 : 0, 1_000, 1_000_000, 10_000, 20, 100_000, 10_000, 5);
  }

  static DataSet smoke() {
    return new DataSet(300, 50, 0, 8, 500, 100, 5, 100, 50, 3);
  }

  static String user(int i) {
    return String.format("u%07d", i);
  }

  static String smallUser(int i) {
    return String.format("s%07d", i);
  }

  static String xlUser(int i) {
    return String.format("x%07d", i);
  }

  static String memberOnly(int i) {
    return String.format("m%07d", i);
  }

  /** Users who join during the write benchmark: members of nothing, no profile. */
  static String joiner(int i) {
    return String.format("j%07d", i);
  }

  static UUID communityId(int k) {
    return UUID.nameUUIDFromBytes(("bench-community-" + k).getBytes(StandardCharsets.UTF_8));
  }

  static UUID pageId(int k) {
    return UUID.nameUUIDFromBytes(("bench-page-" + k).getBytes(StandardCharsets.UTF_8));
  }

  static UUID postId(int k) {
    return UUID.nameUUIDFromBytes(("bench-post-" + k).getBytes(StandardCharsets.UTF_8));
  }

  UUID big() {
    return communityId(0);
  }

  UUID mid() {
    return communityId(1);
  }

  UUID joinTarget() {
    return communityId(2);
  }

  /** Members of community {@code k}. */
  int memberCount(int k) {
    return switch (k) {
      case 0 -> bigMembers;
      case 1 -> midMembers;
      case 2 -> 1;
      default -> smallMembers;
    };
  }

  /** The user at directory position {@code pos} (1-based) of community {@code k}; position 1 is the owner. */
  String memberAt(int k, int pos) {
    switch (k) {
      case 0: {
        int head = Math.min(profiles / 2, bigMembers / 2);
        int tail = Math.min(profiles - head, bigMembers - head);
        if (pos <= head) {
          return user(pos);
        }
        if (pos > bigMembers - tail) {
          return user(head + (pos - (bigMembers - tail)));
        }
        return memberOnly(pos);
      }
      case 1:
        return user(pos);
      case 2:
        return user(1);
      default:
        return user((int) (((long) k * smallMembers + pos - 1) % profiles) + 1);
    }
  }

  /** Slugs are letters and hyphens only: the community index in base 26. */
  static String slug(int k) {
    StringBuilder sb = new StringBuilder();
    int v = k;
    do {
      sb.append((char) ('a' + v % 26));
      v /= 26;
    } while (v > 0);
    return "bench-" + sb.reverse();
  }

  /** Pages of category {@code c}: page k has category k mod {@value #CATEGORY_COUNT}. */
  static String category(int k) {
    return CATEGORIES[k % CATEGORY_COUNT];
  }

  @Override
  public String toString() {
    return String.format("%,d profiles (+%,d in %s%s), %,d communities (one with %,d members, one with %,d), "
        + "%,d posts, %,d pages", profiles, smallProfiles, SMALL_ORG,
      xlProfiles > 0 ? String.format(", +%,d in %s", xlProfiles, XL_ORG) : "", communities, bigMembers, midMembers,
      posts, pages);
  }
}
