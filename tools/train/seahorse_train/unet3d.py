"""InnerEye's UNet3D (InnerEye/ML/models/architectures/unet_3d.py), rewritten with the same blocks,
the same module names and therefore the same state_dict keys, for any width and depth.

Input and output are [B, C, Z, Y, X]; the network returns logits (softmax over dim 1 gives posteriors).
"""
from collections import OrderedDict
from typing import List

import torch
from torch import nn


class BasicLayer(nn.Module):
    """Conv3d (kernel 3, padding 1, no bias), then optional BatchNorm3d (eps 1e-5), then optional ReLU."""

    def __init__(self, ci: int, co: int, stride: int = 1, use_bn: bool = True, activation: bool = True):
        super().__init__()
        self.conv1 = nn.Conv3d(ci, co, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm3d(co, eps=1e-5) if use_bn else None
        self.activation = nn.ReLU(inplace=True) if activation else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        if self.bn1 is not None:
            x = self.bn1(x)
        if self.activation is not None:
            x = self.activation(x)
        return x


class UNetEncodeBlock(nn.Module):
    """block1 (maybe stride 2) then block2; output block2(x) + x."""

    def __init__(self, ci: int, co: int, stride: int):
        super().__init__()
        self.block1 = BasicLayer(ci, co, stride)
        self.block2 = BasicLayer(co, co, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block1(x)
        return self.block2(x) + x


class UNetDecodeBlock(nn.Module):
    """ConvTranspose3d (kernel 4, stride 2, padding 1, bias), BatchNorm3d, ReLU: exactly 2x upsampling."""

    def __init__(self, ci: int, co: int):
        super().__init__()
        self.upsample_block = nn.Sequential(
            nn.ConvTranspose3d(ci, co, kernel_size=4, stride=2, padding=1, bias=True),
            nn.BatchNorm3d(co, eps=1e-5),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.upsample_block(x)


class UNetEncodeBlockSynthesis(nn.Module):
    """x = conv1(x) + conv2(skip) (no BN, activation or bias); BN + ReLU; output block2(x) + x."""

    def __init__(self, c: int):
        super().__init__()
        self.conv1 = BasicLayer(c, c, use_bn=False, activation=False)
        self.conv2 = BasicLayer(c, c, use_bn=False, activation=False)
        self.activation_block = nn.Sequential(nn.BatchNorm3d(c, eps=1e-5), nn.ReLU(inplace=True))
        self.block2 = BasicLayer(c, c)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)
        x = x + self.conv2(skip)
        x = self.activation_block(x)
        return self.block2(x) + x


class UNet3D(nn.Module):
    """InnerEye's UNet3D with `initial_feature_channels` F and `num_downsampling_paths` D:
    encoders 0..D (channels F * 2^i), then D (decoder, synthesis) pairs, then a 1x1x1 output conv."""

    def __init__(self, input_image_channels: int = 1, initial_feature_channels: int = 16, num_classes: int = 3,
                 num_downsampling_paths: int = 4):
        super().__init__()
        f, d = initial_feature_channels, num_downsampling_paths
        self.num_downsampling_paths = d
        layers: List[nn.Module] = [UNetEncodeBlock(input_image_channels, f, 1)]
        for i in range(1, d + 1):
            layers.append(UNetEncodeBlock(f * 2 ** (i - 1), f * 2 ** i, 2))
        for i in range(d, 0, -1):
            layers.append(UNetDecodeBlock(f * 2 ** i, f * 2 ** (i - 1)))
            layers.append(UNetEncodeBlockSynthesis(f * 2 ** (i - 1)))
        self._layers = nn.ModuleList(layers)
        self.output_layer = nn.Conv3d(f, num_classes, kernel_size=1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips: List[torch.Tensor] = []
        for layer_id, layer in enumerate(self._layers):
            if isinstance(layer, UNetEncodeBlockSynthesis):
                x = layer(x, skips.pop())
            else:
                x = layer(x)
                if layer_id < self.num_downsampling_paths:
                    skips.append(x)
        return self.output_layer(x)


class SegmentationModule(nn.Module):
    """Holds the UNet as `.model`, so state_dict keys are `model._layers.N…` as in InnerEye's SegmentationLightning."""

    def __init__(self, model: UNet3D):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def innereye_state_dict_keys(f: int, d: int) -> "OrderedDict[str, None]":
    """The keys InnerEye's SegmentationLightning state_dict has for width f and depth d (for tests)."""
    return OrderedDict((k, None) for k in SegmentationModule(UNet3D(1, f, 3, d)).state_dict().keys())
