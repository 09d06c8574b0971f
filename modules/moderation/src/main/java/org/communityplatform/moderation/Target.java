package org.communityplatform.moderation;

import java.util.UUID;

/**
 * What a report is about, resolved to its place: the reported post, page post or member, the place it
 * belongs to, and the user a mute or ban would act on (the post's author, or the member).
 */
record Target(String type, String id, String placeType, UUID placeId, String userId) {

  static final String POST = "post";
  static final String PAGE_POST = "page_post";
  static final String MEMBER = "member";

  boolean isContent() {
    return !MEMBER.equals(type);
  }
}
