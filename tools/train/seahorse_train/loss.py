"""InnerEye's SoftDiceLoss (InnerEye/ML/models/losses/soft_dice.py), as the Hippocampus config uses it
(`loss_type=SoftDice`, no class-weight power), in the form of InnerEye's later version, which sums the
statistics over the batch as well as the spatial axes before the ratio (one Dice per class)."""
import torch


def soft_dice_loss(logits: torch.Tensor, target_onehot: torch.Tensor, eps: float = 1e-10) -> torch.Tensor:
    """1 - 2 * mean over classes of sum(p*t + eps) / (sum(p*p + eps) + sum(t*t + eps)),
    p = softmax(logits) over classes; sums over the batch and spatial axes. Shapes [B, K, Z, Y, X]."""
    p = torch.softmax(logits, dim=1)
    axes = [0, *range(2, p.dim())]
    intersection = torch.sum(p * target_onehot + eps, axes)
    sum_squares = torch.sum(p * p + eps, axes) + torch.sum(target_onehot * target_onehot + eps, axes)
    return 1.0 - 2.0 * torch.mean(intersection / sum_squares)
