/**
 * The contract of a trained head: a small classifier over a pretrained encoder's sentence vector,
 * optionally beside the hashed n-gram features the lexical students use. Implementations live
 * beside this file (multinomial and one-vs-rest logistic regression, a linear SVM, a one-hidden-layer
 * MLP); encoder-backed students train and hold a head, and the ONNX export reads its dense layers.
 */
export const headKinds = ["logistic", "ovr-logistic", "linear-svm", "mlp"] as const;
export type HeadKind = (typeof headKinds)[number];

/** One item a head sees. */
export interface HeadExample {
  /** The encoder's vector for the item (length = the head's `inputDimensions`). */
  embedding: Float32Array;
  /**
   * Hashed n-gram feature ids (each < 2^hashBits), each with weight 1/sqrt(count) as the lexical
   * students weigh them. Only for heads trained with `hashBits`; absent otherwise.
   */
  hashed?: Int32Array;
}

/**
 * A fully connected layer as the ONNX export writes it: `y = act(x · W + b)`, with `W` row-major
 * `inputs × outputs` (`weights[i * outputs + o]`).
 */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
  activation: "none" | "relu";
}

/** How a head's margins become probabilities: one label (softmax) or each label apart (sigmoid). */
export type HeadOutput = "softmax" | "sigmoid";
