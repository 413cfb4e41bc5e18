/** The body of `POST /predictions/runs`: `retrain: true` trains a new model before predicting. */
import * as z from 'zod';

export const predictionRunRequest = z.strictObject({ retrain: z.boolean().optional() });
