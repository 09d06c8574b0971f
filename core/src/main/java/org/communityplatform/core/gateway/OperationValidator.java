package org.communityplatform.core.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.analyser.ContentAnalyser;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.LabelTransformer;
import io.vertx.openapi.validation.transformer.MatrixTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates the requests of one operation with schema validators built once, when the router is
 * built. The library's request validator asks the schema repository for a new validator on every
 * parameter of every request, and each one copies the repository's whole schema index: with a
 * contract of a hundred operations that copy was most of the CPU of a simple read. The checks and
 * the errors are the library's own (transformers, content analysers, exception factories).
 */
final class OperationValidator {

  private static final Map<Style, ParameterTransformer> TRANSFORMERS = new EnumMap<>(Style.class);

  static {
    TRANSFORMERS.put(Style.SIMPLE, new SimpleTransformer());
    TRANSFORMERS.put(Style.LABEL, new LabelTransformer());
    TRANSFORMERS.put(Style.MATRIX, new MatrixTransformer());
    TRANSFORMERS.put(Style.FORM, new FormTransformer());
  }

  private final Operation operation;
  private final List<Parameter> parameters;
  private final Map<Parameter, Validator> parameterValidators = new IdentityHashMap<>();
  private final Map<Parameter, Boolean> plainStrings = new IdentityHashMap<>();
  private final Map<MediaType, Validator> bodyValidators = new IdentityHashMap<>();

  OperationValidator(OpenAPIContract contract, Operation operation) {
    this.operation = operation;
    this.parameters = operation.getParameters();
    for (Parameter p : parameters) {
      parameterValidators.put(p, contract.getSchemaRepository().validator(p.getSchema()));
      plainStrings.put(p, p.getIn() == io.vertx.openapi.contract.Location.QUERY && p.getSchema() != null
        && "string".equals(p.getSchema().get("type")));
    }
    RequestBody body = operation.getRequestBody();
    if (body != null) {
      for (MediaType mt : body.getContent().values()) {
        if (schemaValidationRequired(mt)) {
          bodyValidators.put(mt, contract.getSchemaRepository().validator(mt.getSchema()));
        }
      }
    }
  }

  /** Validates and converts path, query, header and cookie parameters and the body. */
  ValidatedRequest validate(ValidatableRequest request) {
    Map<String, RequestParameter> cookies = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter param : parameters) {
      switch (param.getIn()) {
        case COOKIE:
          cookies.put(param.getName(), parameter(param, request.getCookies().get(param.getName())));
          break;
        case HEADER:
          headers.put(param.getName(), parameter(param, request.getHeaders().get(param.getName())));
          break;
        case PATH:
          path.put(param.getName(), parameter(param, request.getPathParameters().get(param.getName())));
          break;
        case QUERY:
          query.put(param.getName(), parameter(param, request.getQuery().get(param.getName())));
          break;
        default:
          break;
      }
    }
    return new ValidatedRequestImpl(cookies, headers, path, query, body(request));
  }

  private RequestParameter parameter(Parameter param, RequestParameter value) {
    if (value == null || value.isNull()) {
      if (param.isRequired()) {
        throw ValidatorException.createMissingRequiredParameter(param);
      }
      return new RequestParameterImpl(null);
    }
    Object converted;
    if (plainStrings.get(param)) {
      // the transformers read a query value as JSON when they can ("-5" as a number, "[x]" as an
      // array); a parameter declared as a string keeps its text
      converted = String.valueOf(value.get());
    } else {
      ParameterTransformer transformer = TRANSFORMERS.get(param.getStyle());
      if (transformer == null) {
        throw ValidatorException.createUnsupportedValueFormat(param);
      }
      converted = transformer.transform(param, String.valueOf(value.get()));
    }
    OutputUnit result = parameterValidators.get(param).validate(converted);
    try {
      result.checkValidity();
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createErrorFromOutputUnitType(param, result, e);
    }
    return new RequestParameterImpl(converted);
  }

  private RequestParameter body(ValidatableRequest request) {
    RequestBody requestBody = operation.getRequestBody();
    if (requestBody == null) {
      return new RequestParameterImpl(null);
    }
    if (request.getBody() == null || request.getBody().isEmpty()) {
      if (requestBody.isRequired()) {
        throw new ValidatorException("The related request does not contain the required body.",
          ValidatorErrorType.MISSING_REQUIRED_PARAMETER);
      }
      return new RequestParameterImpl(null);
    }
    MediaType mediaType = requestBody.determineContentType(request.getContentType());
    Buffer content = request.getBody().getBuffer(Buffer.buffer());
    ContentAnalyser analyser = mediaType == null ? null
      : ContentAnalyser.getContentAnalyser(mediaType, request.getContentType(), content, ValidationContext.REQUEST);
    if (analyser == null) {
      throw new ValidatorException("The format of the request body is not supported",
        ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT);
    }
    analyser.checkSyntacticalCorrectness();
    Validator validator = bodyValidators.get(mediaType);
    if (validator == null) {
      return new RequestParameterImpl(content);
    }
    Object value = analyser.transform();
    OutputUnit result = validator.validate(value);
    try {
      result.checkValidity();
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createInvalidValueBody(result, ValidationContext.REQUEST, e);
    }
    return new RequestParameterImpl(value);
  }

  /** As the library decides: no schema, or a bare binary string, means the body is not validated. */
  private static boolean schemaValidationRequired(MediaType mediaType) {
    if (mediaType.getSchema() == null) {
      return false;
    }
    String type = mediaType.getSchema().get("type");
    String format = mediaType.getSchema().get("format");
    boolean noFurtherProperties = mediaType.getSchema().fieldNames().size() == 2;
    return !("string".equalsIgnoreCase(type) && "binary".equalsIgnoreCase(format) && noFurtherProperties);
  }
}
