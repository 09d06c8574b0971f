package org.communityplatform.backlog;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With modules.backlog.enabled=false the module is simply not there. */
class BacklogDisabledTest {

  @Test
  void aDisabledModuleHasNoRoutesNoConsumersAndShowsAsDisabled() {
    JsonObject off = new JsonObject().put("modules", new JsonObject()
      .put("backlog", new JsonObject().put("enabled", false)));
    try (TestPlatform p = TestPlatform.start(off)) {
      var list = p.get("/api/backlog").send();
      assertThat(list.status()).isEqualTo(404);
      assertThat(list.errorCode()).isEqualTo("not_found");
      assertThat(p.post("/api/backlog").json(new JsonObject().put("title", "x")).send().status()).isEqualTo(404);
      assertThat(p.get("/openapi.json").send().json().getJsonObject("paths").containsKey("/api/backlog")).isFalse();

      JsonObject ready = p.get("/health/ready").send().json();
      JsonObject backlog = null;
      for (Object g : ready.getJsonArray("checks")) {
        JsonObject group = (JsonObject) g;
        if (group.getString("id").equals("modules")) {
          for (Object c : group.getJsonArray("checks")) {
            if (((JsonObject) c).getString("id").equals("backlog")) {
              backlog = (JsonObject) c;
            }
          }
        }
      }
      assertThat(backlog).isNotNull();
      assertThat(backlog.getJsonObject("data").getString("state")).isEqualTo("disabled");
      assertThat(p.sql("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'backlog'").get(0).getLong(0))
        .isZero();

      assertThatThrownBy(() -> TestPlatform.await(p.platform().vertx().eventBus()
        .request("api.backlog.listBacklog", new JsonObject())))
        .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    }
  }
}
