package io.emqxclientmonitor.config;

/** A string whose characters can be read only so many times in all: bounds the work of a regex on it. */
final class BoundedChars implements CharSequence {
    static final class TooManySteps extends RuntimeException {
        TooManySteps() {
            super(null, null, false, false);
        }
    }

    private final String text;
    private final int[] budget;

    BoundedChars(String text, int steps) {
        this(text, new int[]{steps});
    }

    private BoundedChars(String text, int[] budget) {
        this.text = text;
        this.budget = budget;
    }

    @Override
    public char charAt(int index) {
        if (--budget[0] < 0) {
            throw new TooManySteps();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedChars(text.substring(start, end), budget);
    }

    @Override
    public String toString() {
        return text;
    }
}
