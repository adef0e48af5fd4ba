"""Seahorse's training tool: InnerEye-compatible UNet3D ensembles (k-fold cross-validation) from a
Seahorse dataset manifest, written as Lightning-style checkpoints in InnerEye's registered-model layout."""
