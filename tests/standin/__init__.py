"""Tests of the kintone stand-in, over real HTTP on 127.0.0.1."""
