/**
 * Python core metadata (METADATA / PKG-INFO) as the index keeps it: only the fields the index
 * shows are typed; the original bytes are kept beside it so PEP 658 serves them unchanged.
 * generator/metadata/ reads it from archives; the distribution record carries it.
 */
export interface CoreMetadata {
  metadataVersion?: string;
  name?: string;
  version?: string;
  summary?: string;
  requiresPython?: string;
  requiresDist: string[];
  homePage?: string;
  projectUrls: string[];
  license?: string;
  description?: string;
  descriptionContentType?: string;
}
