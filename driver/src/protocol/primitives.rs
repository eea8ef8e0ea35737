//! The notation of section 3 of the spec: readers and writers for [int], [string], [value] and the rest.
