//! Comparing typed names with names on identity documents: normalisation, ICAO 9303-3 transliteration, pinyin. Pure: no I/O.
