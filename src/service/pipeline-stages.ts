import { describePipeline } from '../router/pipeline.js';

export interface StageDescription {
  name: string;
  description: string;
}

/** The pipeline's stages in the order they run (the order lives in src/router/pipeline.ts). */
export function pipelineStages(): StageDescription[] {
  return describePipeline();
}
