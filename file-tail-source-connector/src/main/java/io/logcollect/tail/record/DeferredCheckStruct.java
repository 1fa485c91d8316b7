package io.logcollect.tail.record;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.List;
import java.util.Map;

/**
 * A {@link Struct} whose values are checked against its schema the first time anything reads it through the
 * {@code Struct} API, not when each is put.
 *
 * <p>{@link Struct#put(Field, Object)} checks every value it is given, building an error-location string first,
 * and checks a nested struct again whole; for the tail's records that was a fifth of the agent's CPU, spent on
 * values built to fit their schemas. {@link LogRecordJsonConverter} reads the values as set
 * ({@link #valueAt(int)}) and never pays for the check. Anything else — a transformation, JsonConverter, Avro —
 * reads a {@code Struct} that Connect has checked exactly as if every value had been put, because every getter
 * checks first. It differs from a plain {@code Struct} in one way: it is never {@code equals} to one.
 */
final class DeferredCheckStruct extends Struct {

    private final Object[] values;
    /** A bit per field set with {@link #setPlain}, cleared when the field is put again. */
    private long plain;
    private boolean checked;

    DeferredCheckStruct(Schema schema) {
        super(schema);
        this.values = new Object[schema.fields().size()];
    }

    /** Sets the field at {@code position} without checking it: the caller builds values that fit the schema. */
    DeferredCheckStruct set(int position, Object value) {
        values[position] = value;
        plain &= ~(1L << position);
        return this;
    }

    /**
     * Sets the field at {@code position} to text its builder knows to be plain: printable ASCII or DEL without quotes
     * or backslashes ({@link io.logcollect.tail.read.Line#plain()}), which the converter writes without looking at it.
     */
    DeferredCheckStruct setPlain(int position, String text) {
        values[position] = text;
        plain |= 1L << position;
        return this;
    }

    /** Whether the field at {@code position} holds text set with {@link #setPlain} and not replaced since. */
    boolean isPlain(int position) {
        return (plain & 1L << position) != 0;
    }

    /** The value set at {@code position}, unchecked. */
    Object valueAt(int position) {
        return values[position];
    }

    /** Puts every value set into the {@code Struct}, which checks each as {@link Struct#put} always does. */
    private void check() {
        if (checked) {
            return;
        }
        List<Field> fields = schema().fields();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                super.put(fields.get(i), values[i]);
            }
        }
        checked = true;
    }

    @Override
    public Struct put(Field field, Object value) {
        check();
        super.put(field, value);
        values[field.index()] = value;
        plain &= ~(1L << field.index());
        return this;
    }

    @Override
    public Object get(Field field) {
        check();
        return super.get(field);
    }

    @Override
    public Object getWithoutDefault(String fieldName) {
        check();
        return super.getWithoutDefault(fieldName);
    }

    @Override
    public Byte getInt8(String fieldName) {
        check();
        return super.getInt8(fieldName);
    }

    @Override
    public Short getInt16(String fieldName) {
        check();
        return super.getInt16(fieldName);
    }

    @Override
    public Integer getInt32(String fieldName) {
        check();
        return super.getInt32(fieldName);
    }

    @Override
    public Long getInt64(String fieldName) {
        check();
        return super.getInt64(fieldName);
    }

    @Override
    public Float getFloat32(String fieldName) {
        check();
        return super.getFloat32(fieldName);
    }

    @Override
    public Double getFloat64(String fieldName) {
        check();
        return super.getFloat64(fieldName);
    }

    @Override
    public Boolean getBoolean(String fieldName) {
        check();
        return super.getBoolean(fieldName);
    }

    @Override
    public String getString(String fieldName) {
        check();
        return super.getString(fieldName);
    }

    @Override
    public byte[] getBytes(String fieldName) {
        check();
        return super.getBytes(fieldName);
    }

    @Override
    public <T> List<T> getArray(String fieldName) {
        check();
        return super.getArray(fieldName);
    }

    @Override
    public <K, V> Map<K, V> getMap(String fieldName) {
        check();
        return super.getMap(fieldName);
    }

    @Override
    public Struct getStruct(String fieldName) {
        check();
        return super.getStruct(fieldName);
    }

    @Override
    public void validate() {
        check();
        super.validate();
    }

    @Override
    public boolean equals(Object o) {
        check();
        if (o instanceof DeferredCheckStruct other) {
            other.check();
        }
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        check();
        return super.hashCode();
    }

    @Override
    public String toString() {
        check();
        return super.toString();
    }
}
