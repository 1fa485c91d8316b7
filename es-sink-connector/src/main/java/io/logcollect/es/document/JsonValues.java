package io.logcollect.es.document;

import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * Writes Connect values as JSON, like JsonConverter with {@code schemas.enable=false} would, but straight into
 * the document bytes: Structs by their schema (logical Timestamp as ISO-8601 UTC, Date/Time as ISO dates/times,
 * Decimal as a number, bytes as base64, null fields left out), and schemaless maps, lists and scalars.
 */
final class JsonValues {

    private JsonValues() {
    }

    static void write(JsonGenerator out, Object value) throws IOException, MalformedRecordException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof Struct struct) {
            writeStruct(out, struct);
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                write(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            out.writeStartArray();
            for (Object element : list) {
                write(out, element);
            }
            out.writeEndArray();
        } else if (value instanceof String s) {
            out.writeString(s);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Double d) {
            writeDouble(out, d);
        } else if (value instanceof Float f) {
            writeDouble(out, f.doubleValue());
        } else if (value instanceof BigDecimal d) {
            out.writeNumber(d);
        } else if (value instanceof BigInteger i) {
            out.writeNumber(i);
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof byte[] bytes) {
            out.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            out.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof java.util.Date date) {
            out.writeString(DateTimeFormatter.ISO_INSTANT.format(date.toInstant()));
        } else if (value.getClass().isArray() && value instanceof Object[] array) {
            out.writeStartArray();
            for (Object element : array) {
                write(out, element);
            }
            out.writeEndArray();
        } else {
            throw new MalformedRecordException("a value of type " + value.getClass().getName()
                    + " cannot be written as JSON");
        }
    }

    private static void writeDouble(JsonGenerator out, double d) throws IOException, MalformedRecordException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new MalformedRecordException("the number " + d + " cannot be written as JSON");
        }
        out.writeNumber(d);
    }

    private static void writeStruct(JsonGenerator out, Struct struct) throws IOException, MalformedRecordException {
        out.writeStartObject();
        for (Field field : struct.schema().fields()) {
            Object value = struct.get(field);
            if (value == null) {
                continue;
            }
            out.writeFieldName(field.name());
            writeWithSchema(out, field.schema(), value);
        }
        out.writeEndObject();
    }

    private static void writeWithSchema(JsonGenerator out, Schema schema, Object value)
            throws IOException, MalformedRecordException {
        String logical = schema.name();
        if (logical != null && value instanceof java.util.Date date) {
            switch (logical) {
                case Timestamp.LOGICAL_NAME -> {
                    out.writeString(DateTimeFormatter.ISO_INSTANT.format(date.toInstant()));
                    return;
                }
                case Date.LOGICAL_NAME -> {
                    out.writeString(LocalDate.ofInstant(date.toInstant(), ZoneOffset.UTC).toString());
                    return;
                }
                case Time.LOGICAL_NAME -> {
                    out.writeString(LocalTime.ofInstant(date.toInstant(), ZoneOffset.UTC).toString());
                    return;
                }
                default -> {
                }
            }
        }
        if (Decimal.LOGICAL_NAME.equals(logical) && value instanceof BigDecimal decimal) {
            out.writeNumber(decimal);
            return;
        }
        switch (schema.type()) {
            case STRUCT -> writeStruct(out, (Struct) value);
            case ARRAY -> {
                out.writeStartArray();
                for (Object element : (Collection<?>) value) {
                    if (element == null) {
                        out.writeNull();
                    } else {
                        writeWithSchema(out, schema.valueSchema(), element);
                    }
                }
                out.writeEndArray();
            }
            case MAP -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    out.writeFieldName(String.valueOf(entry.getKey()));
                    if (entry.getValue() == null) {
                        out.writeNull();
                    } else {
                        writeWithSchema(out, schema.valueSchema(), entry.getValue());
                    }
                }
                out.writeEndObject();
            }
            default -> write(out, value);
        }
    }
}
