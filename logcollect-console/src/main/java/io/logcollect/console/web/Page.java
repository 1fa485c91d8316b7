package io.logcollect.console.web;

import java.util.Optional;

/**
 * What the layout needs of every page.
 *
 * @param section the navigation entry to mark ({@code policies}, {@code agents}, {@code search}, {@code pipeline})
 * @param notice  one line telling the outcome of the last change, if any
 */
public record Page(String title, String section, Viewer viewer, Optional<String> notice) {

    public String csrf() {
        return viewer == null ? "" : viewer.csrfToken();
    }

    public boolean canEdit() {
        return viewer != null && viewer.canEdit();
    }

    public boolean canAdminister() {
        return viewer != null && viewer.canAdminister();
    }
}
