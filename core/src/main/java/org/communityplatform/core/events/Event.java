package org.communityplatform.core.events;

import io.vertx.core.json.JsonObject;

/**
 * One state change, as appended to the event log: a dotted {@code type} such as
 * {@code community.member.joined}, the organisation, the acting user (or {@code api-token:<id>}, or
 * null for the system), the ids of its subject ({@code communityId}, {@code groupId}, {@code pageId},
 * {@code postId}, {@code userId}, ...) and {@code data}: only what the public or member projection of
 * that subject shows, never a secret or a private field. The event types are listed in docs/EVENTS.md.
 */
public final class Event {

  private final String type;
  private final String org;
  private String actor;
  private final JsonObject subject = new JsonObject();
  private JsonObject data = new JsonObject();

  private Event(String type, String org) {
    if (type == null || type.isBlank() || org == null || org.isBlank()) {
      throw new IllegalArgumentException("an event needs a type and an organisation");
    }
    this.type = type;
    this.org = org;
  }

  /** An event of {@code type} in organisation {@code org}. */
  public static Event of(String type, String org) {
    return new Event(type, org);
  }

  /** The user (or API token principal) who caused it. */
  public Event actor(String actor) {
    this.actor = actor;
    return this;
  }

  /** One subject id ({@code communityId}, {@code pageId}, {@code groupId}, {@code postId}, {@code userId}, ...). */
  public Event subject(String name, Object id) {
    if (id != null) {
      subject.put(name, id.toString());
    }
    return this;
  }

  /** What the public or member projection of the subject shows; no secrets. */
  public Event data(JsonObject data) {
    this.data = data == null ? new JsonObject() : data;
    return this;
  }

  public String type() {
    return type;
  }

  public String org() {
    return org;
  }

  public String actor() {
    return actor;
  }

  public JsonObject subject() {
    return subject;
  }

  public JsonObject data() {
    return data;
  }
}
