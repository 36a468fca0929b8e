"""gongkai.training"""
