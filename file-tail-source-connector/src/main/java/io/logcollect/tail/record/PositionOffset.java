package io.logcollect.tail.record;

import io.logcollect.tail.engine.FilePosition;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A file position as the source offset of a record: a map of primitive values, as Connect requires, read from the
 * position only when asked. Every line carries one, and Connect reads all but the last of a flush interval only
 * by reference; a {@code HashMap} with boxed values built for each line was a third of the reading thread's work.
 */
final class PositionOffset extends AbstractMap<String, Object> {

    private final FilePosition position;

    PositionOffset(FilePosition position) {
        this.position = position;
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        boolean checked = position.check().position() > 0;
        return switch (name) {
            case EcsRecords.OFFSET_POSITION -> position.position();
            case EcsRecords.OFFSET_EPOCH -> position.epoch();
            case EcsRecords.OFFSET_APPLIED -> position.appliedAt();
            case EcsRecords.OFFSET_CHECK_POSITION -> checked ? position.check().position() : null;
            case EcsRecords.OFFSET_CHECK_LENGTH -> checked ? position.check().length() : null;
            case EcsRecords.OFFSET_CHECK_HASH -> checked ? position.check().hash() : null;
            default -> null;
        };
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return position.check().position() > 0 ? 6 : 3;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> entries = new LinkedHashMap<>(8);
        entries.put(EcsRecords.OFFSET_POSITION, position.position());
        entries.put(EcsRecords.OFFSET_EPOCH, position.epoch());
        entries.put(EcsRecords.OFFSET_APPLIED, position.appliedAt());
        if (position.check().position() > 0) {
            entries.put(EcsRecords.OFFSET_CHECK_POSITION, position.check().position());
            entries.put(EcsRecords.OFFSET_CHECK_LENGTH, position.check().length());
            entries.put(EcsRecords.OFFSET_CHECK_HASH, position.check().hash());
        }
        return Collections.unmodifiableMap(entries).entrySet();
    }
}
