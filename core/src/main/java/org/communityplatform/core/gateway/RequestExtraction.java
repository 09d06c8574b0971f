package org.communityplatform.core.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import org.communityplatform.core.bus.ApiError;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads path, query, header and cookie parameters and the body of a request into the form the
 * OpenAPI validator takes, decoding each value exactly once (RFC 3986, section 2.1). The library's
 * own extractor ({@code RequestUtils.extract}) URL-decodes query values that Vert.x has already
 * decoded, so {@code q=100%25} failed and {@code q=%2541} was read as {@code A}; and it decodes path
 * segments as form data, so a {@code +} in a path became a space. Here:
 * <ul>
 *   <li>query values come from {@code request.params()}, decoded once by Vert.x (form rules:
 *       {@code +} is a space there, as HTML forms send it);</li>
 *   <li>path segments are percent-decoded only: {@code +} stays a plus
 *       ({@code /client/community/people/plus+news@example.org});</li>
 *   <li>header and cookie values are taken as sent.</li>
 * </ul>
 * A segment that is not valid percent-encoded UTF-8 is a 400.
 */
final class RequestExtraction {

  private static final RequestParameter EMPTY = new RequestParameterImpl(null);

  private RequestExtraction() {
  }

  /** The request as the validator takes it; fails with a 400 {@link ApiError} on bad encoding. */
  static Future<ValidatableRequest> extract(RoutingContext ctx, Operation op) {
    try {
      HttpServerRequest request = ctx.request();
      Map<String, RequestParameter> cookies = new HashMap<>();
      Map<String, RequestParameter> headers = new HashMap<>();
      Map<String, RequestParameter> path = new HashMap<>();
      Map<String, RequestParameter> query = new HashMap<>();
      String[] segments = null;
      for (Parameter p : op.getParameters()) {
        switch (p.getIn()) {
          case COOKIE:
            Cookie c = request.getCookie(p.getName());
            cookies.put(p.getName(), c == null ? EMPTY : new RequestParameterImpl(c.getValue()));
            break;
          case HEADER:
            String h = request.getHeader(p.getName());
            headers.put(p.getName(), h == null ? EMPTY : new RequestParameterImpl(h));
            break;
          case PATH:
            if (segments == null) {
              segments = request.path().substring(1).split("/", -1);
            }
            int i = RequestUtils.findPathSegment(op.getAbsoluteOpenAPIPath(), p.getName());
            path.put(p.getName(), i < 1 || i > segments.length ? EMPTY : new RequestParameterImpl(decodeSegment(segments[i - 1])));
            break;
          case QUERY:
            query.put(p.getName(), queryParameter(request, p));
            break;
          default:
            break;
        }
      }
      if (op.getRequestBody() == null) {
        return Future.succeededFuture(new ValidatableRequestImpl(cookies, headers, path, query));
      }
      RequestParameter body = new RequestParameterImpl(ctx.body() == null ? null : ctx.body().buffer());
      return Future.succeededFuture(new ValidatableRequestImpl(cookies, headers, path, query, body,
        request.headers().get(HttpHeaders.CONTENT_TYPE)));
    } catch (RuntimeException e) {
      return Future.failedFuture(new ApiError(400, "validation_failed",
        "the query string or a path segment is not correctly encoded"));
    }
  }

  /** Whether a raw path (or segment) is valid percent-encoded UTF-8 (RFC 3986, section 2.1). */
  static boolean wellEncoded(String raw) {
    try {
      decodeSegment(raw == null ? "" : raw);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Percent-decodes one path segment (RFC 3986, section 2.1): a {@code +} is a plus, not a space; the
   * bytes must be UTF-8. A malformed escape or invalid UTF-8 throws {@link IllegalArgumentException}.
   */
  static String decodeSegment(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new IllegalArgumentException("incomplete escape");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
        byte[] b = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i = end - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8", e);
    }
  }

  /**
   * One query parameter: the first value for a plain parameter, {@code name=v1&name=v2} for an
   * exploded array (the form the library's transformers split), all values already decoded once.
   */
  private static RequestParameter queryParameter(HttpServerRequest request, Parameter p) {
    List<String> values = request.params().getAll(p.getName());
    if (values.isEmpty()) {
      return EMPTY;
    }
    switch (p.getSchemaType()) {
      case ARRAY:
        if (p.isExplode()) {
          return new RequestParameterImpl(values.stream().map(v -> p.getName() + "=" + v).collect(Collectors.joining("&")));
        }
        return new RequestParameterImpl(values.get(0));
      case OBJECT:
        if (p.isExplode()) {
          return new RequestParameterImpl(request.params().entries().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("&")));
        }
        return new RequestParameterImpl(values.get(0));
      default:
        return new RequestParameterImpl(values.get(0));
    }
  }
}
