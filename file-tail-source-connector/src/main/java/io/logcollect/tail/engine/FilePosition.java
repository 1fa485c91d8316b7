package io.logcollect.tail.engine;

import io.logcollect.tail.identity.ContentCheck;

/**
 * Where reading of one file resumes: the byte after the last delivered record, within the file's current
 * truncation epoch, with a check of the file's content that tells a file recreated on the same inode apart.
 *
 * @param position  byte offset of the next line to read
 * @param epoch     how many times the file was seen truncated
 * @param appliedAt epoch millis at which the file's entry was first applied (also kept in the entry's
 *                  {@link EntryCheckpoint}; positions stored by logcollect 0.1 carry only this)
 * @param check     a hash of bytes before some position the file must still hold to be the same file
 */
public record FilePosition(long position, int epoch, long appliedAt, ContentCheck check) {
}
