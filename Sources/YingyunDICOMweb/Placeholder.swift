// DICOMweb Studies Service routes (PS3.18) on Hummingbird.
