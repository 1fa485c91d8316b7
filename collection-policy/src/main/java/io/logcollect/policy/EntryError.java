package io.logcollect.policy;

/**
 * Why one entry of a policy was refused. The other entries keep running.
 *
 * @param entry  the entry's id, or {@code #<index>} when it has no usable id
 * @param field  the entry's field at fault ({@code paths}, {@code multiline}, ...); empty when the entry as a
 *               whole is wrong (not an object)
 * @param reason what is wrong, naming the field
 */
public record EntryError(String entry, String field, String reason) {

    public String message() {
        return "entry '" + entry + "': " + reason;
    }

    @Override
    public String toString() {
        return message();
    }
}
